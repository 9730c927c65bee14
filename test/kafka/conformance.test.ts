import { afterAll, describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { deleteRunTopics, kafkaHarness } from "./harness.js";

// Every shared suite, unchanged, against the real Kafka (scripts/kafka.sh).
describe("kafka broker conformance", () => {
  describePublish(kafkaHarness);
  describeConsume(kafkaHarness);
  describeAck(kafkaHarness);
  describeRequestReply(kafkaHarness);
  describeMiddlewareOrder(kafkaHarness);
  describeCodecsAndValidation(kafkaHarness);
  describeLifecycle(kafkaHarness);
  describeSlowConsumer(kafkaHarness);
});

afterAll(deleteRunTopics, 30_000);
