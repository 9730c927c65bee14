import { afterAll, describe } from "vitest";
import { describeAck } from "../conformance/ack.case.js";
import { describeCodecsAndValidation } from "../conformance/codecs.case.js";
import { describeConsume } from "../conformance/consume.case.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { describeLifecycle } from "../conformance/lifecycle.case.js";
import { describeMiddlewareOrder } from "../conformance/middleware-order.case.js";
import { describePublish } from "../conformance/publish.case.js";
import { describeRequestReply } from "../conformance/request-reply.case.js";
import { describeSlowConsumer } from "../conformance/slow-consumer.case.js";
import { describeFaststreamTelemetry } from "../conformance/telemetry-faststream.case.js";
import { describeTelemetry } from "../conformance/telemetry.case.js";
import { cleanupRedis, withTelemetry, redisTelemetryHarness } from "./harness.js";
import type { RedisKind } from "../../src/redis/index.js";

/** Every shared suite, unchanged, against one kind of Redis subscription on the real server. */
export function describeConformance(harness: BrokerHarness): void {
  describe(`${harness.name} conformance`, () => {
    afterAll(cleanupRedis);
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

/** Both telemetry modes, plus the publish and consume suites re-run with the middleware on every broker. */
export function describeTelemetrySuites(harness: BrokerHarness, kind: RedisKind): void {
  describe(`${harness.name} telemetry`, () => {
    afterAll(cleanupRedis);
    describeTelemetry(harness, redisTelemetryHarness(kind));
    describeFaststreamTelemetry(harness, redisTelemetryHarness(kind));
    const traced = withTelemetry(harness);
    describePublish(traced);
    describeConsume(traced);
  });
}
