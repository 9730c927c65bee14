import { redisPubSubHarness } from "./harness.js";
import { describeConformance } from "./suites.js";

describeConformance(redisPubSubHarness);
