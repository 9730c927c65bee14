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
}

/** `server.address`/`server.port` as the middleware reports them for a broker configured with `server`. */
export function parseServerAttributes(server: string, defaultPort: number): Attributes {
  const { address, port } = parseServer(server, defaultPort);
  return { "server.address": address, "server.port": port ?? defaultPort };
}
