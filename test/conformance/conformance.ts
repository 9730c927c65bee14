import { afterAll, describe } from "vitest";
import { describeAck } from "./ack.case.js";
import { describeCodecsAndValidation } from "./codecs.case.js";
import { describeConsume } from "./consume.case.js";
import type { BrokerHarness } from "./harness.js";
import { describeLifecycle } from "./lifecycle.case.js";
import { describeMiddlewareOrder } from "./middleware-order.case.js";
import { TelemetryRecorder } from "./otel.js";
import { describePublish } from "./publish.case.js";
import { describeRequestReply } from "./request-reply.case.js";
import { describeSlowConsumer } from "./slow-consumer.case.js";
import { describeFaststreamTelemetry } from "./telemetry-faststream.case.js";
import type { TelemetryHarness } from "./telemetry-kit.js";
import { describeTelemetry } from "./telemetry.case.js";

// The entry every broker's test files call: the whole shared conformance suite, written once. A broker's
// differences are its harness (capabilities, skips with their reasons), never a different list of suites.

/** Every behaviour suite, unchanged, against one broker (one kind of subscription) on its real server. */
export function describeConformance(harness: BrokerHarness): void {
  describe(`${harness.name} conformance`, () => {
    describePublish(harness);
    describeConsume(harness);
    describeAck(harness);
    describeRequestReply(harness);
    describeMiddlewareOrder(harness);
    describeCodecsAndValidation(harness);
    describeLifecycle(harness);
    describeSlowConsumer(harness);
  });
}

/**
 * Both telemetry modes span by span, then the publish, consume and request/reply suites again with the broker's
 * telemetry middleware outermost on every broker: telemetry must not change broker behaviour (FastStream's
 * TestPublishWithTelemetry / TestConsumeWithTelemetry). `faststreamSkips` are the FastStream-mode cases a broker
 * runs elsewhere, each with its reason.
 */
export function describeTelemetryConformance(harness: BrokerHarness, telemetry: TelemetryHarness, options: { readonly faststreamSkips?: Readonly<Record<string, string>> } = {}): void {
  describe(`${harness.name} telemetry`, () => {
    describeTelemetry(harness, telemetry);
    describeFaststreamTelemetry(options.faststreamSkips === undefined ? harness : { ...harness, skip: { ...harness.skip, ...options.faststreamSkips } }, telemetry);
    const traced = withTelemetry(harness, telemetry);
    describePublish(traced);
    describeConsume(traced);
    describeRequestReply(traced);
  });
}

/** The harness with the broker's telemetry middleware, recording into real SDK providers, on every broker. */
function withTelemetry(harness: BrokerHarness, telemetry: TelemetryHarness): BrokerHarness {
  const recorder = new TelemetryRecorder();
  afterAll(() => recorder.shutdown());
  return {
    ...harness,
    name: `${harness.name} (traced)`,
    createBroker: (options = {}) =>
      harness.createBroker({
        ...options,
        middlewares: [telemetry.middleware({ tracerProvider: recorder.tracerProvider, meterProvider: recorder.meterProvider }), ...(options.middlewares ?? [])],
      }),
  };
}
