import { describeTelemetry } from "../conformance/telemetry.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import { memoryHarness, memoryTelemetryHarness } from "./harness.js";

describeTelemetry(memoryHarness, memoryTelemetryHarness);
describeFaststreamTelemetry(memoryHarness, memoryTelemetryHarness);
