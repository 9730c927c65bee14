import type { Attributes } from "@opentelemetry/api";
import { parseServer, type Middleware } from "../../src/core/index.js";
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
  /**
   * FastStream mode, consumer spans of the first message on a fresh destination: the message id's form (a UUID
   * unless said here) and the system's attributes. FastStream's Kafka suite: `"{offset}-{timestamp}"`, partition
   * and offset (reference §7).
   */
  readonly faststreamConsumer?: { readonly messageId: RegExp; readonly attributes: Attributes };
}

/** `server.address`/`server.port` as the middleware reports them for a broker configured with `server`. */
export function parseServerAttributes(server: string, defaultPort: number): Attributes {
  const { address, port } = parseServer(server, defaultPort);
  return { "server.address": address, "server.port": port ?? defaultPort };
}
