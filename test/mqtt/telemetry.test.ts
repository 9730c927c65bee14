import { describe } from "vitest";
import { describeConsume } from "../conformance/consume.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeTelemetry } from "../conformance/telemetry.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { TelemetryRecorder } from "../conformance/otel.js";
import { mqttHarness, mqttTelemetryHarness } from "./harness.js";

describeTelemetry(mqttHarness, mqttTelemetryHarness);
describeFaststreamTelemetry(mqttHarness, mqttTelemetryHarness);

// Telemetry must not change broker behaviour: the generic suites again, every broker traced (FastStream's
// TestPublishWithTelemetry / TestConsumeWithTelemetry).
const recorder = new TelemetryRecorder();
const traced: BrokerHarness = {
  ...mqttHarness,
  name: "mqtt (traced)",
  createBroker: (options = {}) =>
    mqttHarness.createBroker({
      ...options,
      middlewares: [mqttTelemetryHarness.middleware({ tracerProvider: recorder.tracerProvider, meterProvider: recorder.meterProvider }), ...(options.middlewares ?? [])],
    }),
};

describe("mqtt with telemetry on", () => {
  describePublish(traced);
  describeConsume(traced);
  describeRequestReply(traced);
});
