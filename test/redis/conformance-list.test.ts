import { redisListHarness } from "./harness.js";
import { describeConformance } from "./suites.js";

describeConformance(redisListHarness);
