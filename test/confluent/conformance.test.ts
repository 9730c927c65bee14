import { afterAll, describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { confluentHarness, deleteRunTopics } from "./harness.js";

// Every shared suite, unchanged, against the real Kafka (scripts/kafka.sh) through librdkafka.
describe("confluent broker conformance", () => {
  describePublish(confluentHarness);
  describeConsume(confluentHarness);
  describeAck(confluentHarness);
  describeRequestReply(confluentHarness);
  describeMiddlewareOrder(confluentHarness);
  describeCodecsAndValidation(confluentHarness);
  describeLifecycle(confluentHarness);
  describeSlowConsumer(confluentHarness);
});

afterAll(deleteRunTopics, 30_000);
