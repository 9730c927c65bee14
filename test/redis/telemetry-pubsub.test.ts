import { redisPubSubHarness } from "./harness.js";
import { describeTelemetrySuites } from "./suites.js";

describeTelemetrySuites(redisPubSubHarness, "channel");
