import { NotConnectedError, RequestTimeoutError } from "./errors.js";
import type { IncomingMessage, PublishCommand } from "./message.js";
import type { Logger } from "./logger.js";
import type { Transport, TransportSubscription } from "./transport.js";

/** Header a reply carries with the message id of the request it answers. */
export const REQUEST_ID_HEADER = "x-postline-request-id";

interface Pending {
  readonly correlationId: string;
  resolve(message: IncomingMessage): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply for transports without a native one: each client owns one private inbox destination,
 * requests carry it as `replyTo`, and replies are matched to waiting calls by correlation id. Late or
 * unknown replies are acknowledged and dropped (the caller has already timed out).
 */
export class InboxRequests {
  readonly #pending = new Map<string, Pending>();
  #inbox: Promise<{ name: string; subscription: TransportSubscription }> | undefined;
  #closed = false;

  constructor(
    private readonly transport: Transport,
    private readonly logger: Logger,
  ) {}

  async request(command: PublishCommand, timeoutMs: number): Promise<IncomingMessage> {
    const { name } = await this.#ensureInbox();
    // close() may have run while the inbox was being set up (a real broker takes a while to subscribe).
    if (this.#closed) throw new NotConnectedError("wait for a reply", "closing");
    const { correlationId, messageId } = command.messages[0]!;
    command.replyTo = name;
    const reply = new Promise<IncomingMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(messageId);
        reject(new RequestTimeoutError(command.destination, timeoutMs));
      }, timeoutMs);
      this.#pending.set(messageId, { correlationId, resolve, reject, timer });
    });
    try {
      await this.transport.publish(command);
    } catch (error) {
      this.#settle(messageId)?.reject(error as Error);
    }
    return reply;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new NotConnectedError("wait for a reply", "closing"));
      this.#pending.delete(id);
    }
    const inbox = await this.#inbox?.catch(() => undefined);
    this.#inbox = undefined;
    await inbox?.subscription.stop();
  }

  #settle(requestId: string): Pending | undefined {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return undefined;
    clearTimeout(pending.timer);
    this.#pending.delete(requestId);
    return pending;
  }

  /** By the request id a Postline responder echoes; by correlation id for other responders (FastStream). */
  #match(message: IncomingMessage): Pending | undefined {
    const requestId = message.headers[REQUEST_ID_HEADER];
    if (requestId !== undefined && this.#pending.has(requestId)) return this.#settle(requestId);
    for (const [id, pending] of this.#pending) {
      if (pending.correlationId === message.correlationId) return this.#settle(id);
    }
    return undefined;
  }

  #ensureInbox(): Promise<{ name: string; subscription: TransportSubscription }> {
    this.#inbox ??= (async () => {
      const name = this.transport.createInboxName();
      const subscription = await this.transport.subscribe(
        { name: "postline-inbox", destination: name, options: {}, batch: undefined, concurrency: 64 },
        async (delivery) => {
          for (const message of delivery.messages) {
            const pending = this.#match(message);
            if (pending === undefined) this.logger.debug("dropped a reply nobody waits for", { correlationId: message.correlationId });
            else pending.resolve(message);
          }
          await delivery.settle({ kind: "ack" });
        },
      );
      return { name, subscription };
    })();
    this.#inbox.catch(() => {
      this.#inbox = undefined;
    });
    return this.#inbox;
  }
}
