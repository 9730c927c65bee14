import { afterAll, describe } from "vitest";
import type { Middleware } from "../../src/core/index.js";
import { describeConsume } from "../conformance/consume.case.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeTelemetry } from "../conformance/telemetry.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import { TelemetryRecorder } from "../conformance/otel.js";
import { RabbitTelemetryMiddleware } from "../../src/rabbit/opentelemetry.js";
import { cleanupRun, rabbitHarness, rabbitTelemetryHarness } from "./harness.js";

afterAll(cleanupRun);

describeTelemetry(rabbitHarness, rabbitTelemetryHarness);
describeFaststreamTelemetry(
  {
    ...rabbitHarness,
    skip: {
      "telemetry-faststream > batch publish → single consume: 8 spans, each message its own consumer create with 1 link":
        "FastStream's RabbitTelemetryMiddleware has no message counters by default (this test expects them); rabbit-telemetry.test.ts runs it with counters on",
    },
  },
  rabbitTelemetryHarness,
);

// Telemetry must not change broker behaviour: the publish and consume suites again, every broker traced.
const recorder = new TelemetryRecorder();
afterAll(() => recorder.shutdown());
const traced: BrokerHarness = {
  ...rabbitHarness,
  name: "rabbit (traced)",
  createBroker: (options = {}) => {
    const telemetry = new RabbitTelemetryMiddleware({ tracerProvider: recorder.tracerProvider, meterProvider: recorder.meterProvider });
    return rabbitHarness.createBroker({ ...options, middlewares: [telemetry, ...((options.middlewares ?? []) as Middleware[])] });
  },
};
describe("with telemetry on", () => {
  describePublish(traced);
  describeConsume(traced);
});
