import { describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { mqttHarness } from "./harness.js";

// Every shared suite, unchanged, against the real Mosquitto server.
describe("mqtt broker conformance", () => {
  describePublish(mqttHarness);
  describeConsume(mqttHarness);
  describeAck(mqttHarness);
  describeRequestReply(mqttHarness);
  describeMiddlewareOrder(mqttHarness);
  describeCodecsAndValidation(mqttHarness);
  describeLifecycle(mqttHarness);
  describeSlowConsumer(mqttHarness);
});
