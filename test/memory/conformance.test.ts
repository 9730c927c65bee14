import { describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { memoryHarness } from "./harness.js";

// Every shared suite, unchanged, against the in-process broker (the harness is shared with telemetry.test.ts).
describe("memory broker conformance", () => {
  describePublish(memoryHarness);
  describeConsume(memoryHarness);
  describeAck(memoryHarness);
  describeRequestReply(memoryHarness);
  describeMiddlewareOrder(memoryHarness);
  describeCodecsAndValidation(memoryHarness);
  describeLifecycle(memoryHarness);
  describeSlowConsumer(memoryHarness);
});
