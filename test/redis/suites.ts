import { afterAll } from "vitest";
import { describeConformance as describeSharedConformance, describeTelemetryConformance } from "../conformance/conformance.js";
import type { BrokerHarness } from "../conformance/harness.js";
import { cleanupRedis, redisTelemetryHarness } from "./harness.js";
import type { RedisKind } from "../../src/redis/index.js";

// Redis runs the shared suites once per kind of subscription (channel, list, stream), each in its own file.

export function describeConformance(harness: BrokerHarness): void {
  afterAll(cleanupRedis);
  describeSharedConformance(harness);
}

export function describeTelemetrySuites(harness: BrokerHarness, kind: RedisKind): void {
  afterAll(cleanupRedis);
  describeTelemetryConformance(harness, redisTelemetryHarness(kind));
}
