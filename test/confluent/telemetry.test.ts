import { afterAll, describe } from "vitest";
import { describeConsume } from "../conformance/consume.case.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeTelemetry } from "../conformance/telemetry.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import { deleteRunTopics, confluentHarness, confluentTelemetryHarness } from "./harness.js";

// FastStream's generic `assert_span` wants a UUID message id on consumer spans; its Kafka suite replaces it with
// `"{offset}-{timestamp}"` (reference §7), which is what Postline's Kafka facts give. Those three tests run in
// their Kafka form in telemetry-faststream.test.ts.
const kafkaMessageId = "FastStream's Kafka message id is `{offset}-{timestamp}`, not a UUID: run in its Kafka form in test/confluent/telemetry-faststream.test.ts";
const faststreamHarness: BrokerHarness = {
  ...confluentHarness,
  skip: {
    ...confluentHarness.skip,
    "telemetry-faststream > create → publish → process: 3 spans, publish and process under create": kafkaMessageId,
    "telemetry-faststream > a chain is flat: both process spans hang under the first create (FastStream's 5-span tree)": kafkaMessageId,
    "telemetry-faststream > no trace context: a consumer-side create (CONSUMER) roots the process span": kafkaMessageId,
  },
};

describeTelemetry(confluentHarness, confluentTelemetryHarness);
describeFaststreamTelemetry(faststreamHarness, confluentTelemetryHarness);

// Telemetry must not change broker behaviour: the publish and consume suites again, every broker traced.
const traced: BrokerHarness = {
  ...confluentHarness,
  name: "confluent (traced)",
  createBroker: (options = {}) => confluentHarness.createBroker({ ...options, middlewares: [confluentTelemetryHarness.middleware({}), ...(options.middlewares ?? [])] }),
};
describe("with telemetry on", () => {
  describePublish(traced);
  describeConsume(traced);
});

afterAll(deleteRunTopics, 30_000);
