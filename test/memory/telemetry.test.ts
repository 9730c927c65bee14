import { describeTelemetryConformance } from "../conformance/conformance.js";
import { memoryHarness, memoryTelemetryHarness } from "./harness.js";

describeTelemetryConformance(memoryHarness, memoryTelemetryHarness);
