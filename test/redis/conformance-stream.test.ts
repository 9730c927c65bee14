import { redisStreamHarness } from "./harness.js";
import { describeConformance } from "./suites.js";

describeConformance(redisStreamHarness);
