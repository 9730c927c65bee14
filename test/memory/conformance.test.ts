import { describeConformance } from "../conformance/conformance.js";
import { memoryHarness } from "./harness.js";

// The shared suites against the in-process broker (the harness is shared with telemetry.test.ts).
describeConformance(memoryHarness);
