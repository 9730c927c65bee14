import { afterAll, describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { cleanupRun, rabbitHarness } from "./harness.js";

// Every shared suite, unchanged, against the RabbitMQ server on this machine.
describe("rabbit broker conformance", () => {
  afterAll(cleanupRun);
  describePublish(rabbitHarness);
  describeConsume(rabbitHarness);
  describeAck(rabbitHarness);
  describeRequestReply(rabbitHarness);
  describeMiddlewareOrder(rabbitHarness);
  describeCodecsAndValidation(rabbitHarness);
  describeLifecycle(rabbitHarness);
  describeSlowConsumer(rabbitHarness);
});
