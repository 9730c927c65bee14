import { redisStreamHarness } from "./harness.js";
import { describeTelemetrySuites } from "./suites.js";

describeTelemetrySuites(redisStreamHarness, "stream");
