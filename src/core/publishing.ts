import type { CodecRegistry } from "./codecs.js";
import { FeatureNotSupportedError, NotConnectedError, RequestTimeoutError } from "./errors.js";
import type { Logger } from "./logger.js";
import type { PublishCommand } from "./message.js";
import { composePublish, type Middleware, type PublishNext, type PublishOutcome } from "./middleware.js";
import type { Reply, RequestOptions } from "./publish-api.js";
import { buildCommand, type CommandOptions, type CommandSpec } from "./publishing-command.js";
import { InboxRequests } from "./request-reply.js";
import { validateBody } from "./schema.js";
import type { Transport } from "./transport.js";

export interface PublishingOptions {
  /** The broker's kind, for error messages. */
  readonly kind: string;
  /** Read at every send: `postline/testing` may swap the transport until the broker connects. */
  readonly transport: () => Transport;
  /** The lifecycle is the broker's; publishing only asks whether it may send. */
  readonly connected: () => boolean;
  readonly codecs: CodecRegistry;
  readonly logger: Logger;
  /** The broker's own middlewares, outermost first: the chain of `broker.publish`, `publishBatch` and `request`. */
  readonly middlewares: readonly Middleware<string>[];
  readonly requestTimeoutMs: number | undefined;
}

/**
 * Everything that leaves a broker: building publish commands, running them through a composed middleware chain,
 * and sending them — a plain publish, a batch, a request (native, or over a private inbox) or a reply. Chains
 * are composed by whoever owns a middleware list (the broker here, a publisher, a subscriber's result fan-out)
 * and reused for every send.
 */
export class Publishing {
  readonly #options: PublishingOptions;
  #chain: PublishNext | undefined;
  #requests: InboxRequests | undefined;

  constructor(options: PublishingOptions) {
    this.#options = options;
  }

  /** The chain of the broker's own middlewares, composed on first use. */
  get chain(): PublishNext {
    this.#chain ??= composePublish(this.#options.middlewares, this.#send);
    return this.#chain;
  }

  /** Composes a middleware list around the send; callers keep the result and reuse it. */
  compose(middlewares: readonly Middleware<string>[]): PublishNext {
    return middlewares === this.#options.middlewares ? this.chain : composePublish(middlewares, this.#send);
  }

  /** Builds a command: encoded messages with their ids, the adapter's options apart. */
  command(spec: CommandSpec): PublishCommand {
    return buildCommand(this.#options.codecs, this.#options.transport().server, spec);
  }

  /** One message through `chain` (the broker's by default; a publisher passes its own). */
  async publish(body: unknown, destination: string, options: CommandOptions, chain: PublishNext = this.chain): Promise<void> {
    this.#assertConnected("publish");
    await chain(this.command({ kind: "publish", destination, bodies: [body], options, fromHandler: false }));
  }

  async publishBatch(bodies: readonly unknown[], destination: string, options: CommandOptions): Promise<void> {
    this.#assertConnected("publish a batch");
    if (!this.#options.transport().capabilities.batchPublish) {
      throw new FeatureNotSupportedError(`the ${this.#options.kind} broker cannot publish batches; publish the messages one by one`);
    }
    if (bodies.length === 0) return;
    await this.chain(this.command({ kind: "batch", destination, bodies, options, fromHandler: false }));
  }

  async request<Body>(body: unknown, destination: string, options: RequestOptions<Body> & Record<string, unknown>): Promise<Reply<Body>> {
    this.#assertConnected("send a request");
    if (this.#options.transport().capabilities.requestReply === "none") {
      throw new FeatureNotSupportedError(`the ${this.#options.kind} broker does not support request/reply`);
    }
    const message = (await this.chain(this.command({ kind: "request", destination, bodies: [body], options, fromHandler: false })))!;
    let replyBody = this.#options.codecs.decode(message.body, message.contentType);
    if (options.schema !== undefined) replyBody = await validateBody(options.schema, replyBody, `reply from ${destination}`);
    return { body: replyBody as Body, headers: message.headers, correlationId: message.correlationId, message };
  }

  /** Fails the requests still waiting on the private inbox and stops it; the broker calls it on close. */
  async close(): Promise<void> {
    await this.#requests?.close();
  }

  // The end of every chain. A request waits for its reply: natively where the transport can, else on the inbox.
  readonly #send = async (command: PublishCommand): Promise<PublishOutcome> => {
    const transport = this.#options.transport();
    if (command.kind !== "request") {
      await transport.publish(command);
      return undefined;
    }
    const timeoutMs = command.timeoutMs ?? this.#options.requestTimeoutMs ?? 30_000;
    if (transport.capabilities.requestReply === "native" && transport.request !== undefined) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await transport.request(command, signal);
      } catch (error) {
        if (signal.aborted) throw new RequestTimeoutError(command.destination, timeoutMs);
        throw error;
      }
    }
    this.#requests ??= new InboxRequests(transport, this.#options.logger);
    return this.#requests.request(command, timeoutMs);
  };

  #assertConnected(operation: string): void {
    if (!this.#options.connected()) throw new NotConnectedError(operation, this.#options.kind);
  }
}
