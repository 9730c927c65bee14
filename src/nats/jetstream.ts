import type { ConsumerConfig, JetStreamClient, JetStreamManager, PubAck } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { randomUUID } from "node:crypto";
import { ConfigurationError, type SubscriptionSpec } from "../core/index.js";
import { loadJetStream } from "./client.js";
import { NatsError } from "./errors.js";
import type { NatsJetStreamBrokerOptions, NatsJetStreamConsumerOptions, NatsJetStreamPublishOptions, NatsStreamConfig } from "./options.js";

const nanos = (ms: number): number => ms * 1_000_000;

/** The consumer a subscription reads from, and whether it goes with the subscription. */
export interface ConsumerRef {
  readonly stream: string;
  readonly name: string;
  readonly ephemeral: boolean;
  readonly push: boolean;
}

/** JetStream of one connection: declares streams and consumers from options and publishes with acknowledgement. */
export class JetStream {
  readonly #declared = new Map<string, Promise<void>>();

  private constructor(
    readonly client: JetStreamClient,
    readonly manager: JetStreamManager,
    private readonly module: Awaited<ReturnType<typeof loadJetStream>>,
    readonly timeoutMs: number,
  ) {}

  static async open(nc: NatsConnection, options: NatsJetStreamBrokerOptions): Promise<JetStream> {
    const module = await loadJetStream();
    const timeout = options.timeoutMs ?? 5_000;
    let manager: JetStreamManager;
    try {
      manager = await module.jetstreamManager(nc, { timeout, ...(options.domain === undefined ? {} : { domain: options.domain }) });
    } catch (error) {
      throw new NatsError(`JetStream is not available on the NATS server at ${nc.getServer()} (start nats-server with -js): ${String(error)}`, { cause: error });
    }
    return new JetStream(manager.jetstream(), manager, module, timeout);
  }

  /** Creates the stream, or adds the subjects it lacks; once per declaration and connection. */
  declareStream(config: NatsStreamConfig): Promise<void> {
    const key = `${config.name} ${config.subjects.join(" ")}`;
    let declared = this.#declared.get(key);
    if (declared === undefined) {
      declared = this.#declare(config);
      this.#declared.set(key, declared);
      declared.catch(() => this.#declared.delete(key));
    }
    return declared;
  }

  async #declare(config: NatsStreamConfig): Promise<void> {
    const { streams } = this.manager;
    try {
      const info = await streams.info(config.name);
      const missing = config.subjects.filter((subject) => !(info.config.subjects ?? []).includes(subject));
      if (missing.length > 0) await streams.update(config.name, { ...info.config, subjects: [...(info.config.subjects ?? []), ...missing] });
      return;
    } catch (error) {
      if (!this.#isStreamNotFound(error)) throw error;
    }
    try {
      await streams.add({ ...config, subjects: [...config.subjects] });
    } catch (error) {
      // Another client declared it between our two calls: what matters is that it exists with our subjects.
      const info = await streams.info(config.name).catch(() => undefined);
      if (info === undefined) throw error;
    }
  }

  #isStreamNotFound(error: unknown): boolean {
    return error instanceof this.module.JetStreamApiError && error.code === this.module.JetStreamApiCodes.StreamNotFound;
  }

  /** The subscription's consumer: a shared durable one for `group`/`durable`, otherwise an ephemeral one. */
  async consumerFor(spec: SubscriptionSpec<{ group?: string; jetstream: NatsJetStreamConsumerOptions }>, deliverSubject: () => string): Promise<ConsumerRef> {
    const options = spec.options.jetstream;
    const stream = typeof options.stream === "string" ? options.stream : options.stream.name;
    if (typeof options.stream !== "string") await this.declareStream(options.stream);
    // NATS names cannot hold ".", "*", ">" or spaces: a group named after a subject still gets a valid name.
    const durable = (spec.options.group ?? options.durable)?.replace(/[.*>\s]/g, "_");
    const push = options.delivery === "push";
    const name = durable ?? `postline_${randomUUID().replaceAll("-", "")}`;
    const config: Partial<ConsumerConfig> = {
      ...(durable === undefined ? { name, inactive_threshold: nanos(60_000) } : { durable_name: durable }),
      filter_subject: spec.destination,
      ack_policy: "explicit",
      deliver_policy: options.deliverPolicy ?? (durable === undefined ? "new" : "all"),
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      ...(options.maxDeliver === undefined ? {} : { max_deliver: options.maxDeliver }),
      ...(push ? { deliver_subject: deliverSubject(), ...(spec.options.group === undefined ? {} : { deliver_group: spec.options.group }) } : {}),
      ...options.config,
    };
    try {
      await this.manager.consumers.add(stream, config);
    } catch (error) {
      if (durable === undefined || !this.#consumerExists(error)) {
        throw new NatsError(`could not create a JetStream consumer on stream "${stream}" for "${spec.destination}": ${String(error)}`, { cause: error });
      }
      // A durable consumer declared earlier with other settings: keep it (its position matters more than ours).
    }
    return { stream, name, ephemeral: durable === undefined, push };
  }

  #consumerExists(error: unknown): boolean {
    return error instanceof this.module.JetStreamApiError && /already exists|exists with different/i.test(error.message);
  }

  async publish(subject: string, body: Uint8Array, headers: MsgHdrs, messageId: string, options: NatsJetStreamPublishOptions): Promise<PubAck> {
    return this.client.publish(subject, body, {
      headers,
      timeout: options.timeoutMs ?? this.timeoutMs,
      ...(options.deduplicate === true ? { msgID: messageId } : {}),
      ...(options.stream === undefined ? {} : { expect: { streamName: options.stream } }),
    });
  }
}

export function validateConsumerOptions(where: string, options: NatsJetStreamConsumerOptions, group: string | undefined): void {
  const stream = options.stream;
  if (typeof stream === "string" ? stream === "" : !(typeof stream?.name === "string" && stream.name !== "" && Array.isArray(stream.subjects) && stream.subjects.length > 0)) {
    throw new ConfigurationError(`${where}: jetstream.stream must be a stream name or { name, subjects: [...] }`);
  }
  if (group !== undefined && options.durable !== undefined && group !== options.durable) {
    throw new ConfigurationError(`${where}: group and jetstream.durable both name the durable consumer; give one of them`);
  }
  if (options.delivery !== undefined && options.delivery !== "pull" && options.delivery !== "push") {
    throw new ConfigurationError(`${where}: jetstream.delivery must be "pull" or "push"`);
  }
  for (const [name, value] of [["ackWaitMs", options.ackWaitMs], ["maxDeliver", options.maxDeliver], ["prefetch", options.prefetch]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) throw new ConfigurationError(`${where}: jetstream.${name} must be a whole number > 0`);
  }
  if (options.inProgressMs !== undefined && options.inProgressMs !== false && !(Number.isFinite(options.inProgressMs) && options.inProgressMs > 0)) {
    throw new ConfigurationError(`${where}: jetstream.inProgressMs must be > 0 or false`);
  }
}
