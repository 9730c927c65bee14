import { ackPolicies, type AckPolicy } from "./ack-policy.js";
import { CodecRegistry, type Codec } from "./codecs.js";
import type { AsyncCloseable } from "./disposable.js";
import { ConfigurationError, NotConnectedError } from "./errors.js";
import { consoleLogger, type Logger } from "./logger.js";
import type { IncomingMessage } from "./message.js";
import type { Middleware } from "./middleware.js";
import type { PublishApi, PublishOptions, Reply, RequestOptions } from "./publish-api.js";
import type { CommandOptions } from "./publishing-command.js";
import { Publishing } from "./publishing.js";
import { Registry, type SubscriptionCheck } from "./registry.js";
import type { BrokerRuntime } from "./runtime.js";
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
 * The broker-agnostic broker: registration and lifecycle (connect, start, close) over a transport. What leaves
 * the broker (publish, batches, request/reply, a handler's result) is `Publishing`'s; the methods here delegate.
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
  readonly #shutdown = new AbortController();
  readonly #publishing: Publishing;
  readonly #runtime: BrokerRuntime;
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
    const codecs = new CodecRegistry(options.codecs);
    validateBrokerOptions(options);
    const middlewares = options.middlewares ?? [];
    for (const middleware of middlewares) this.checkMiddleware(middleware);
    // Read at use, not captured: `postline/testing` may swap the transport until the broker connects.
    const currentTransport = (): Transport => this.#transport;
    this.#publishing = new Publishing({
      kind,
      transport: currentTransport,
      connected: () => this.#state === "connected",
      codecs,
      logger: this.#logger,
      middlewares,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    this.#runtime = {
      get transport() {
        return currentTransport();
      },
      codecs,
      logger: this.#logger,
      defaultAckPolicy: options.ackPolicy ?? "reject-on-error",
      publishApi: this,
      shutdownSignal: this.#shutdown.signal,
      publishing: this.#publishing,
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
    await this.#publishing.close();
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
    return this.#publishing.publish(body, destination, options as CommandOptions);
  }

  publishBatch(bodies: readonly unknown[], destination: string, options: PublishOptions & PublishOptionsOf = {} as PublishOptions & PublishOptionsOf): Promise<void> {
    return this.#publishing.publishBatch(bodies, destination, options as CommandOptions);
  }

  request<Body = unknown>(body: unknown, destination: string, options: RequestOptions<Body> & PublishOptionsOf = {} as RequestOptions<Body> & PublishOptionsOf): Promise<Reply<Body>> {
    return this.#publishing.request<Body>(body, destination, options as RequestOptions<Body> & Record<string, unknown>);
  }

  /** `postline/testing` only: swap the transport before the broker connects. */
  [useTransport](transport: Transport<SubscribeOptions, PublishOptionsOf>): void {
    if (this.#state !== "idle") throw new ConfigurationError("the transport can only be replaced before the broker connects");
    this.#transport = transport;
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
