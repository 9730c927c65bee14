import { afterAll, describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { deleteTestStreams, natsCoreHarness, natsJetStreamHarness } from "./harness.js";

afterAll(deleteTestStreams);

// Every shared suite against both kinds of subscription: core subjects (at-most-once: the redelivery tests
// are skipped by capability) and JetStream (every subscriber on a stream; acks, naks and redelivery apply).
for (const harness of [natsCoreHarness, natsJetStreamHarness]) {
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
