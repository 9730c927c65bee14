import { Broker, ConfigurationError, Router, type Logger, type RouterOptions } from "../core/index.js";
import type { NatsBrokerOptions, NatsPublishOptions, NatsSubscribeOptions } from "./options.js";
import { validateSubscribeOptions } from "./subscribe-check.js";
import { NatsTransport } from "./transport.js";

/**
 * NATS: core subjects (wildcards, queue groups, native request/reply) and JetStream (streams and consumers
 * declared from options, pull or push, acknowledgements and redelivery, batches) on one connection.
 */
export class NatsBroker extends Broker<"nats", NatsSubscribeOptions, NatsPublishOptions> {
  readonly #transport: NatsTransport;

  constructor(options: NatsBrokerOptions = {}) {
    const servers = serversOf(options.servers);
    validateJetStream(options);
    // The transport exists before the broker (and its logger): the callback reads the logger once it does.
    const log: { to?: Logger } = {};
    const transport = new NatsTransport({ servers, options, logger: () => log.to! });
    super("nats", transport, options, validateSubscribeOptions);
    log.to = this.logger;
    this.#transport = transport;
  }

  /** The NATS.js connection once connected: for key-value buckets, object stores and anything else Postline does not wrap. */
  get connection(): NatsTransport["connection"] {
    return this.#transport.connection;
  }
}

export class NatsRouter extends Router<"nats", NatsSubscribeOptions, NatsPublishOptions> {
  constructor(options: RouterOptions<"nats"> = {}) {
    super("nats", options, validateSubscribeOptions);
  }
}

function serversOf(servers: NatsBrokerOptions["servers"]): string[] {
  const list = servers === undefined ? ["nats://127.0.0.1:4222"] : typeof servers === "string" ? [servers] : [...servers];
  if (list.length === 0 || list.some((server) => typeof server !== "string" || server.trim() === "")) {
    throw new ConfigurationError(`servers must be one or more NATS URLs (e.g. "nats://127.0.0.1:4222"), got ${JSON.stringify(servers)}`);
  }
  return list;
}

function validateJetStream(options: NatsBrokerOptions): void {
  const jetstream = options.jetstream;
  if (jetstream === undefined) return;
  if (jetstream.timeoutMs !== undefined && !(Number.isFinite(jetstream.timeoutMs) && jetstream.timeoutMs > 0)) {
    throw new ConfigurationError(`jetstream.timeoutMs must be a positive number of milliseconds, got ${String(jetstream.timeoutMs)}`);
  }
  for (const stream of jetstream.streams ?? []) {
    if (!(typeof stream?.name === "string" && stream.name !== "" && Array.isArray(stream.subjects) && stream.subjects.length > 0)) {
      throw new ConfigurationError(`each of jetstream.streams needs a name and subjects, got ${JSON.stringify(stream)}`);
    }
  }
}
