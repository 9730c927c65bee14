import { afterAll, describe } from "vitest";
import { describeConsume } from "../conformance/consume.case.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeTelemetry } from "../conformance/telemetry.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import { deleteRunTopics, kafkaHarness, kafkaTelemetryHarness } from "./harness.js";

// FastStream's generic `assert_span` wants a UUID message id on consumer spans; its Kafka suite replaces it with
// `"{offset}-{timestamp}"` (reference §7), which is what Postline's Kafka facts give. Those three tests run in
// their Kafka form in telemetry-faststream.test.ts.
const kafkaMessageId = "FastStream's Kafka message id is `{offset}-{timestamp}`, not a UUID: run in its Kafka form in test/kafka/telemetry-faststream.test.ts";
const faststreamHarness: BrokerHarness = {
  ...kafkaHarness,
  skip: {
    ...kafkaHarness.skip,
    "telemetry-faststream > create → publish → process: 3 spans, publish and process under create": kafkaMessageId,
    "telemetry-faststream > a chain is flat: both process spans hang under the first create (FastStream's 5-span tree)": kafkaMessageId,
    "telemetry-faststream > no trace context: a consumer-side create (CONSUMER) roots the process span": kafkaMessageId,
  },
};

describeTelemetry(kafkaHarness, kafkaTelemetryHarness);
describeFaststreamTelemetry(faststreamHarness, kafkaTelemetryHarness);

// Telemetry must not change broker behaviour: the publish and consume suites again, every broker traced.
const traced: BrokerHarness = {
  ...kafkaHarness,
  name: "kafka (traced)",
  createBroker: (options = {}) => kafkaHarness.createBroker({ ...options, middlewares: [kafkaTelemetryHarness.middleware({}), ...(options.middlewares ?? [])] }),
};
describe("with telemetry on", () => {
  describePublish(traced);
  describeConsume(traced);
});

afterAll(deleteRunTopics, 30_000);
