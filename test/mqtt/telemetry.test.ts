import { describeTelemetryConformance } from "../conformance/conformance.js";
import { mqttHarness, mqttTelemetryHarness } from "./harness.js";

describeTelemetryConformance(mqttHarness, mqttTelemetryHarness);
