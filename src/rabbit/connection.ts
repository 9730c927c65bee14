import type * as Amqplib from "amqplib";
import type { Channel, ChannelModel, ConfirmChannel, Options } from "amqplib";
import { loadPeer, NotConnectedError, type Logger } from "../core/index.js";
import { RabbitConnectionError } from "./errors.js";
import type { RabbitBrokerOptions } from "./options.js";

// The client is an optional peer dependency: without it, importing `postline/rabbit` says what to install.
const amqp = await loadPeer<typeof Amqplib>("amqplib", "postline/rabbit");

export const DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672";

/** `amqp://host:port/vhost` without credentials, for messages. */
export function describeAddress(url: string | Options.Connect): string {
  if (typeof url !== "string") return `${url.protocol ?? "amqp"}://${url.hostname ?? "localhost"}:${url.port ?? 5672}${url.vhost === undefined ? "" : `/${url.vhost}`}`;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || (parsed.protocol === "amqps:" ? "5671" : "5672")}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return "(an invalid AMQP URL)";
  }
}

type Reopened = (model: ChannelModel) => Promise<void>;

/**
 * One AMQP connection with reconnection: when the server or the network drops it, it reconnects with
 * exponential backoff and tells its users (publisher, subscriptions) to reopen their channels. A lost
 * connection is never surfaced as an error to handlers; publishes wait for the next connection.
 */
export class RabbitConnection {
  readonly address: string;
  readonly #options: RabbitBrokerOptions;
  readonly #logger: () => Logger;
  readonly #reopened = new Set<Reopened>();
  #model: ChannelModel | undefined;
  #current: Promise<ChannelModel> | undefined;
  #closed = false;
  /** Ends the backoff wait of a reconnect in progress (close() must not wait it out). */
  #wakeReconnect: (() => void) | undefined;

  constructor(options: RabbitBrokerOptions, logger: () => Logger) {
    this.#options = options;
    this.#logger = logger;
    this.address = describeAddress(options.url ?? DEFAULT_URL);
  }

  /** The first connection: fails at once, naming the server, when it is unreachable. */
  async open(): Promise<ChannelModel> {
    this.#closed = false;
    this.#current = this.#connect().catch((error: unknown) => {
      this.#current = undefined;
      throw new RabbitConnectionError(this.address, error);
    });
    return this.#current;
  }

  /** The live connection, waiting for a reconnection in progress. */
  model(): Promise<ChannelModel> {
    if (this.#closed || this.#current === undefined) return Promise.reject(new NotConnectedError("use the connection", "rabbit"));
    return this.#current;
  }

  /** Called after every reconnection, to reopen channels and restore consumers. Returns the unsubscribe. */
  onReopen(callback: Reopened): () => void {
    this.#reopened.add(callback);
    return () => this.#reopened.delete(callback);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The connection in use now; undefined while (re)connecting or after close(). */
  get live(): ChannelModel | undefined {
    return this.#model;
  }

  async createChannel(): Promise<Channel> {
    return withErrorHandler(await (await this.model()).createChannel(), this.#logger);
  }

  async createConfirmChannel(): Promise<ConfirmChannel> {
    return withErrorHandler(await (await this.model()).createConfirmChannel(), this.#logger);
  }

  async close(): Promise<void> {
    this.#closed = true;
    // A reconnect waiting out its backoff would keep the process alive for up to maxDelayMs after close.
    this.#wakeReconnect?.();
    this.#reopened.clear();
    const model = this.#model;
    this.#model = undefined;
    this.#current = undefined;
    await model?.close().catch(() => undefined);
  }

  async #connect(): Promise<ChannelModel> {
    const socketOptions = {
      ...this.#options.socketOptions,
      noDelay: this.#options.socketOptions?.noDelay ?? true,
      clientProperties: { connection_name: this.#options.connectionName ?? "postline", ...this.#options.socketOptions?.clientProperties },
    };
    const model = await amqp.connect(this.#options.url ?? DEFAULT_URL, socketOptions);
    if (this.#closed) {
      await model.close().catch(() => undefined);
      throw new NotConnectedError("connect", "rabbit (closed)");
    }
    this.#model = model;
    model.on("error", (error: Error) => this.#logger().warn("RabbitMQ connection error", { error, address: this.address }));
    model.on("close", () => {
      if (this.#model !== model || this.#closed) return;
      this.#model = undefined;
      this.#reconnect();
    });
    return model;
  }

  #reconnect(): void {
    const reconnect = this.#options.reconnect;
    if (reconnect === false) {
      this.#logger().error("lost the RabbitMQ connection; reconnect is off", { address: this.address });
      this.#current = Promise.reject(new RabbitConnectionError(this.address, new Error("connection lost")));
      this.#current.catch(() => undefined);
      return;
    }
    const initial = reconnect?.initialDelayMs ?? 100;
    const max = reconnect?.maxDelayMs ?? 5_000;
    this.#logger().warn("lost the RabbitMQ connection; reconnecting", { address: this.address });
    this.#current = (async () => {
      for (let attempt = 0; ; attempt += 1) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(max, initial * 2 ** attempt));
          this.#wakeReconnect = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#wakeReconnect = undefined;
        if (this.#closed) throw new NotConnectedError("reconnect", "rabbit (closed)");
        try {
          const model = await this.#connect();
          this.#logger().info("reconnected to RabbitMQ", { address: this.address, attempts: attempt + 1 });
          // Reopen in the background: a consumer that cannot be restored logs, it does not block publishes.
          for (const callback of [...this.#reopened]) {
            callback(model).catch((error: unknown) => this.#logger().error("could not restore after reconnecting to RabbitMQ", { error }));
          }
          return model;
        } catch (error) {
          if (this.#closed) throw error;
          this.#logger().debug("RabbitMQ reconnect attempt failed", { error, attempt: attempt + 1 });
        }
      }
    })();
    this.#current.catch(() => undefined);
  }
}

/** amqplib channels emit `error` before `close` (a refused declaration, an unknown delivery tag); unhandled, it would crash the process. */
function withErrorHandler<T extends Channel>(channel: T, logger: () => Logger): T {
  channel.on("error", (error: Error) => logger().debug("RabbitMQ channel closed by the server", { error }));
  return channel;
}
