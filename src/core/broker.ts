import { randomUUID } from "node:crypto";
import { ackPolicies, type AckPolicy } from "./ack-policy.js";
import { CodecRegistry, type Codec } from "./codecs.js";
import type { DeliveryContext } from "./context.js";
import type { AsyncCloseable } from "./disposable.js";
import { ConfigurationError, FeatureNotSupportedError, NotConnectedError, RequestTimeoutError } from "./errors.js";
import { consoleLogger, type Logger } from "./logger.js";
import type { IncomingMessage, PublishCommand, PublishKind } from "./message.js";
import { composePublish, type Middleware, type PublishNext, type PublishOutcome } from "./middleware.js";
import type { PublishApi, PublishOptions, Reply, RequestOptions } from "./publish-api.js";
import type { Publisher } from "./publisher.js";
import { Registry, type SubscriptionCheck } from "./registry.js";
import type { BrokerRuntime } from "./runtime.js";
import { InboxRequests, REQUEST_ID_HEADER } from "./request-reply.js";
import { validateBody } from "./schema.js";
import type { Subscriber } from "./subscriber.js";
import type { Transport } from "./transport.js";

export interface BrokerOptions<Kind extends string> {
  /** Outermost first: they wrap every subscriber and every publish of this broker. */
  readonly middlewares?: readonly Middleware<Kind>[];
  readonly logger?: Logger;
  /** Extra codecs, consulted before the built-in JSON, text and bytes codecs. */
  readonly codecs?: readonly Codec[];
  /** The ack policy of subscribers that do not choose one (default `reject-on-error`). */
  readonly ackPolicy?: AckPolicy;
  /** How long `close()` waits for handlers in progress before it aborts their signal (default 30 s). */
  readonly shutdownTimeoutMs?: number;
  /** Default timeout of `request()` (default 30 s). */
  readonly requestTimeoutMs?: number;
}

type State = "idle" | "connecting" | "connected" | "closing" | "closed";

/** Symbol-keyed hook for `postline/testing`: run the same broker over another transport. */
export const useTransport = Symbol("postline.useTransport");

/**
 * The broker-agnostic broker: registration, lifecycle, publishing, request/reply and the consume pipeline.
 * Each adapter's broker class (`MemoryBroker`, `KafkaBroker`, ...) is this with its transport plugged in.
 */
export class Broker<Kind extends string, SubscribeOptions = unknown, PublishOptionsOf = unknown>
  extends Registry<Kind, SubscribeOptions, PublishOptionsOf>
  implements PublishApi<PublishOptionsOf>, AsyncCloseable
{
  readonly #kind: Kind;
  #transport: Transport<SubscribeOptions, PublishOptionsOf>;
  readonly #options: BrokerOptions<Kind>;
  readonly #logger: Logger;
  readonly #codecs: CodecRegistry;
  readonly #middlewares: readonly Middleware<string>[];
  readonly #shutdown = new AbortController();
  readonly #runtime: BrokerRuntime;
  #requests: InboxRequests | undefined;
  #publishChain: PublishNext | undefined;
  #state: State = "idle";
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #started = false;
  readonly #starting = new Set<Promise<void>>();

  constructor(kind: Kind, transport: Transport<SubscribeOptions, PublishOptionsOf>, options: BrokerOptions<Kind> = {}, checkSubscription?: SubscriptionCheck) {
    super("", options.middlewares ?? [], checkSubscription);
    this.#kind = kind;
    this.#transport = transport;
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger("info", `postline:${kind}`);
    this.#codecs = new CodecRegistry(options.codecs);
    validateBrokerOptions(options);
    this.#middlewares = options.middlewares ?? [];
    for (const middleware of this.#middlewares) this.checkMiddleware(middleware);
    const currentTransport = (): Transport => this.#transport;
    this.#runtime = {
      get transport() {
        return currentTransport();
      },
      codecs: this.#codecs,
      logger: this.#logger,
      defaultAckPolicy: options.ackPolicy ?? "reject-on-error",
      publishApi: this,
      shutdownSignal: this.#shutdown.signal,
      publishResult: (result, context, publishers, middlewares) => this.#publishResult(result, context, publishers, middlewares),
      publishThrough: (body, destination, publishOptions, middlewares) => this.#publishThrough(body, destination, publishOptions, middlewares),
    };
  }

  protected get kind(): string {
    return this.#kind;
  }

  runtime(): BrokerRuntime {
    return this.#runtime;
  }

  get logger(): Logger {
    return this.#logger;
  }

  get connected(): boolean {
    return this.#state === "connected";
  }

  /** Connects without starting subscribers: enough for a client that only publishes. */
  connect(): Promise<void> {
    if (this.#state === "connected") return Promise.resolve();
    if (this.#state === "closing" || this.#state === "closed") {
      return Promise.reject(new NotConnectedError("connect", `${this.#kind} (closed)`));
    }
    this.#connecting ??= (async () => {
      this.#state = "connecting";
      try {
        await this.#transport.connect();
        this.#state = "connected";
      } catch (error) {
        this.#state = "idle";
        this.#connecting = undefined;
        throw error;
      }
    })();
    return this.#connecting;
  }

  /**
   * Connects and starts every subscriber registered so far, and resolves once they receive; later
   * registrations start at once.
   */
  async start(): Promise<void> {
    await this.connect();
    this.#started = true;
    await Promise.all(this.subscribers().map((subscriber) => subscriber.start()));
    await this.#transport.ready?.();
  }

  /**
   * Graceful shutdown: stop receiving, wait for handlers in progress to finish and settle (their result
   * publishes included), then close the connection. Handlers still running after `shutdownTimeoutMs` see
   * their `context.signal` aborted.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    if (this.#state === "idle") {
      this.#state = "closed";
      return;
    }
    this.#state = "closing";
    await this.#connecting?.catch(() => undefined);
    this.#started = false;
    await Promise.allSettled([...this.#starting]);
    const timeoutMs = this.#options.shutdownTimeoutMs ?? 30_000;
    const stopped = Promise.allSettled(this.subscribers().map((subscriber) => subscriber.stop()));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    if ((await Promise.race([stopped, timedOut])) === "timeout") {
      // Handlers that outlive the timeout are told to stop; their messages stay unsettled, so a broker that
      // redelivers hands them to the next consumer. Close goes on rather than hang on a stuck handler.
      this.#shutdown.abort(new Error("broker shutdown timed out"));
      this.#logger.error(`handlers were still running ${timeoutMs} ms after close() began; closing without them`);
    }
    clearTimeout(timer);
    await this.#requests?.close();
    this.#shutdown.abort(new Error("broker closed"));
    await this.#transport.close();
    this.#state = "closed";
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  protected override onSubscriber(subscriber: Subscriber): void {
    if (!this.#started) return;
    const starting = subscriber.start().catch((error: unknown) => {
      this.#logger.error(`subscriber "${subscriber.name}" could not start`, { error });
    });
    this.#starting.add(starting);
    void starting.finally(() => this.#starting.delete(starting));
  }

  publish(body: unknown, destination: string, options: PublishOptions & PublishOptionsOf = {} as PublishOptions & PublishOptionsOf): Promise<void> {
    return this.#publishThrough(body, destination, options as PublishOptions & Record<string, unknown>, this.#middlewares);
  }

  async publishBatch(bodies: readonly unknown[], destination: string, options: PublishOptions & PublishOptionsOf = {} as PublishOptions & PublishOptionsOf): Promise<void> {
    this.#assertConnected("publish a batch");
    if (!this.#transport.capabilities.batchPublish) {
      throw new FeatureNotSupportedError(`the ${this.#kind} broker cannot publish batches; publish the messages one by one`);
    }
    if (bodies.length === 0) return;
    const command = this.#command("batch", destination, bodies, options as PublishOptions & Record<string, unknown>, false);
    await this.#chain()(command);
  }

  async request<Body = unknown>(body: unknown, destination: string, options: RequestOptions<Body> & PublishOptionsOf = {} as RequestOptions<Body> & PublishOptionsOf): Promise<Reply<Body>> {
    this.#assertConnected("send a request");
    if (this.#transport.capabilities.requestReply === "none") {
      throw new FeatureNotSupportedError(`the ${this.#kind} broker does not support request/reply`);
    }
    const command = this.#command("request", destination, [body], options as PublishOptions & Record<string, unknown>, false);
    const message = (await this.#chain()(command))!;
    let replyBody = this.#codecs.decode(message.body, message.contentType);
    if (options.schema !== undefined) replyBody = await validateBody(options.schema, replyBody, `reply from ${destination}`);
    return { body: replyBody as Body, headers: message.headers, correlationId: message.correlationId, message };
  }

  /** `postline/testing` only: swap the transport before the broker connects. */
  [useTransport](transport: Transport<SubscribeOptions, PublishOptionsOf>): void {
    if (this.#state !== "idle") throw new ConfigurationError("the transport can only be replaced before the broker connects");
    this.#transport = transport;
  }

  #chain(): PublishNext {
    this.#publishChain ??= composePublish(this.#middlewares, this.#send);
    return this.#publishChain;
  }

  readonly #send = async (command: PublishCommand): Promise<PublishOutcome> => {
    if (command.kind !== "request") {
      await this.#transport.publish(command as PublishCommand<PublishOptionsOf>);
      return undefined;
    }
    const timeoutMs = command.timeoutMs ?? this.#options.requestTimeoutMs ?? 30_000;
    if (this.#transport.capabilities.requestReply === "native" && this.#transport.request !== undefined) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        return await this.#transport.request(command as PublishCommand<PublishOptionsOf>, signal);
      } catch (error) {
        if (signal.aborted) throw new RequestTimeoutError(command.destination, timeoutMs);
        throw error;
      }
    }
    this.#requests ??= new InboxRequests(this.#transport, this.#logger);
    return this.#requests.request(command, timeoutMs);
  };

  async #publishThrough(body: unknown, destination: string, options: PublishOptions & Record<string, unknown>, middlewares: readonly Middleware<string>[]): Promise<void> {
    this.#assertConnected("publish");
    const command = this.#command("publish", destination, [body], options, false);
    const chain = middlewares === this.#middlewares ? this.#chain() : composePublish(middlewares, this.#send);
    await chain(command);
  }

  async #publishResult(result: unknown, context: DeliveryContext, publishers: readonly Publisher<any, any>[], middlewares: readonly Middleware<string>[]): Promise<void> {
    const message = context.message;
    const replyTo = context.batch ? undefined : message.replyTo;
    if (result === undefined && replyTo === undefined) return;
    const correlationId = message.correlationId;
    const sends: Promise<PublishOutcome>[] = [];
    if (replyTo !== undefined) {
      // The request's own message id goes back with the reply, so concurrent requests that share a
      // correlation id still get their own answers.
      const headers = { [REQUEST_ID_HEADER]: message.messageId ?? "" };
      const reply = this.#command("reply", replyTo, [result], { correlationId, headers }, true);
      sends.push(composePublish(middlewares, this.#send)(reply));
    }
    if (result !== undefined) {
      for (const publisher of publishers) {
        const options = { ...(publisher.options as PublishOptions & Record<string, unknown>), correlationId };
        const command = this.#command("publish", publisher.destination, [result], options, true);
        sends.push(composePublish([...middlewares, ...publisher.middlewares], this.#send)(command));
      }
    }
    await Promise.all(sends);
  }

  #command(kind: PublishKind, destination: string, bodies: readonly unknown[], options: PublishOptions & Record<string, unknown>, fromHandler: boolean): PublishCommand {
    if (typeof destination !== "string" || destination === "") {
      throw new ConfigurationError(`publish needs a destination (a non-empty string), got ${JSON.stringify(destination)}`);
    }
    const { headers, correlationId, messageId, contentType, timeoutMs, schema: _schema, ...brokerOptions } = options as RequestOptions & Record<string, unknown>;
    // One publish call is one conversation: the messages of a batch share a correlation id (as in FastStream).
    // A conversation that starts here is named after its first message, which saves a UUID per publish.
    const firstId = messageId ?? randomUUID();
    const conversation = correlationId ?? firstId;
    const messages = bodies.map((body, index) => {
      const encoded = this.#codecs.encode(body, contentType);
      return {
        body: encoded.body,
        headers: { ...headers },
        contentType: encoded.contentType,
        correlationId: conversation,
        messageId: index === 0 ? firstId : randomUUID(),
      };
    });
    return { kind, destination, messages, fromHandler, replyTo: undefined, options: brokerOptions, timeoutMs, server: this.#transport.server };
  }

  #assertConnected(operation: string): void {
    if (this.#state !== "connected") throw new NotConnectedError(operation, this.#kind);
  }
}

function validateBrokerOptions(options: BrokerOptions<string>): void {
  if (options.ackPolicy !== undefined && !ackPolicies.includes(options.ackPolicy)) {
    throw new ConfigurationError(`unknown ackPolicy "${String(options.ackPolicy)}"; use one of ${ackPolicies.join(", ")}`);
  }
  for (const [name, value] of [["shutdownTimeoutMs", options.shutdownTimeoutMs], ["requestTimeoutMs", options.requestTimeoutMs]] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new ConfigurationError(`${name} must be a positive number of milliseconds, got ${String(value)}`);
    }
  }
  for (const middleware of options.middlewares ?? []) {
    if (typeof middleware !== "object" || middleware === null || (typeof middleware.consume !== "function" && typeof middleware.publish !== "function")) {
      throw new ConfigurationError("each middleware needs a consume or a publish method");
    }
  }
}

export type { IncomingMessage };
