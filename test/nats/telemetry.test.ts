import { afterAll, describe } from "vitest";
import { NatsTelemetryMiddleware } from "../../src/nats/opentelemetry.js";
import { describeConsume } from "../conformance/consume.case.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { TelemetryRecorder } from "../conformance/otel.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import { describeTelemetry } from "../conformance/telemetry.case.js";
import { deleteTestStreams, natsCoreHarness, natsJetStreamHarness, natsTelemetryHarness } from "./harness.js";

afterAll(deleteTestStreams);

/** The same harness with a telemetry middleware outermost on every broker: telemetry must not change behaviour. */
function withTelemetry(harness: BrokerHarness): BrokerHarness {
  const otel = new TelemetryRecorder();
  return {
    ...harness,
    name: `${harness.name} + telemetry`,
    createBroker: (options = {}) =>
      harness.createBroker({
        ...options,
        middlewares: [new NatsTelemetryMiddleware({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }), ...(options.middlewares ?? [])],
      }),
  };
}

for (const harness of [natsCoreHarness, natsJetStreamHarness]) {
  describe(harness.name, () => {
    describeTelemetry(harness, natsTelemetryHarness);
    describeFaststreamTelemetry(harness, natsTelemetryHarness);
    describePublish(withTelemetry(harness));
    describeConsume(withTelemetry(harness));
  });
}
