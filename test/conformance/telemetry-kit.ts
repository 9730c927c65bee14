import type { Attributes } from "@opentelemetry/api";
import type { Middleware } from "../../src/core/index.js";
import type { TelemetryOptions } from "../../src/opentelemetry/index.js";

/** What the telemetry suites need besides the broker harness: the broker's middleware and its facts. */
export interface TelemetryHarness {
  /** Expected `messaging.system.name` / `messaging.system`. */
  readonly system: string;
  /** The broker's own `<Broker>TelemetryMiddleware`. */
  middleware(options: TelemetryOptions): Middleware<string>;
  /** FastStream's span-name destination (RabbitMQ: `default.{queue}`); the destination itself elsewhere. */
  faststreamName?(destination: string): string;
  /** Broker-specific attributes a `send`/`process` span of a single message carries besides the common ones. */
  extraAttributes?(operation: "send" | "process", destination: string): Attributes;
  /** Whether process spans carry `messaging.consumer.group.name` for a subscriber with a group. */
  readonly reportsConsumerGroup?: boolean;
}
