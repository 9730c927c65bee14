import { redisListHarness } from "./harness.js";
import { describeTelemetrySuites } from "./suites.js";

describeTelemetrySuites(redisListHarness, "list");
