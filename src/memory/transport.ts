import { randomUUID } from "node:crypto";
import {
  DeliveryQueue,
  MessageTooLargeError,
  RedeliveryRule,
  NoRespondersError,
  type DeliveryHandler,
  type IncomingMessage,
  type OutgoingMessage,
  type Settlement,
  type PublishCommand,
  type SubscriptionSpec,
  type Transport,
  type TransportCapabilities,
  type TransportSubscription,
} from "../core/index.js";
import type { MemoryEnvelope, QueuedMessage } from "./envelope.js";
import type { MemoryHub, Membership } from "./hub.js";
import type { MemoryPublishOptions, MemorySubscribeOptions } from "./options.js";

const capabilities: TransportCapabilities = {
  requestReply: "inbox",
  batchPublish: true,
  batchConsume: true,
  consumerGroups: true,
  redelivery: true,
};

function toIncoming(queued: QueuedMessage): IncomingMessage<MemoryEnvelope> {
  const { envelope } = queued;
  return {
    body: envelope.body,
    headers: envelope.headers,
    destination: envelope.destination,
    contentType: envelope.contentType,
    correlationId: envelope.correlationId,
    messageId: envelope.messageId,
    replyTo: envelope.replyTo,
    deliveryCount: queued.deliveryCount,
    raw: envelope,
  };
}

const done = Promise.resolve();

function envelopeOf(command: PublishCommand<MemoryPublishOptions>, message: OutgoingMessage): Omit<MemoryEnvelope, "sequence" | "timestamp"> {
  return {
    destination: command.destination,
    // A real broker has the bytes once sent; the caller may reuse its buffer after `publish` resolves.
    body: message.body.slice(),
    headers: message.headers,
    contentType: message.contentType,
    correlationId: message.correlationId,
    messageId: message.messageId,
    replyTo: command.replyTo,
  };
}

/** Translates between core and the in-process hub. */
export class MemoryTransport implements Transport<MemorySubscribeOptions, MemoryPublishOptions, MemoryEnvelope> {
  readonly kind = "memory";
  readonly capabilities = capabilities;
  readonly hub: MemoryHub;
  readonly #leaves = new Set<() => void>();

  readonly #maxMessageBytes: number;

  readonly #onDrop: (envelope: MemoryEnvelope) => void;

  constructor(hub: MemoryHub, options: { maxMessageBytes?: number | undefined; onDrop?: (envelope: MemoryEnvelope) => void } = {}) {
    this.hub = hub;
    this.#maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
    this.#onDrop = options.onDrop ?? (() => {});
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {
    for (const leave of this.#leaves) leave();
    this.#leaves.clear();
  }

  async subscribe(spec: SubscriptionSpec<MemorySubscribeOptions>, handler: DeliveryHandler<MemoryEnvelope>): Promise<TransportSubscription> {
    const rule = new RedeliveryRule(spec.maxDeliveries);
    // The hub is the server: it requeues and dead-letters; which of the two, core's rule decides.
    const settle = (membership: Membership, messages: readonly QueuedMessage[], settlement: Settlement): void => {
      if (settlement.kind === "ack") return;
      for (const message of messages) {
        if (rule.requeues(settlement, message.deliveryCount)) membership.requeue(message);
        else membership.reject(message);
      }
    };
    // The queue's callbacks run only once it has joined (the hub hands out on a later microtask).
    const queue = new DeliveryQueue<QueuedMessage>({
      concurrency: spec.concurrency,
      batch: spec.batch,
      onSlot: () => membership.pull(),
      deliver: (messages) => {
        // A batch held by the member leaves the group's count now: publishers waiting for room may go on.
        if (spec.batch !== undefined) membership.pull();
        let settled = false;
        return handler({
          messages: messages.map(toIncoming),
          settle: async (settlement) => {
            if (settled) return;
            settled = true;
            settle(membership, messages, settlement);
          },
        });
      },
    });
    const membership = this.hub.join(spec.destination, queue, { group: spec.options.group, deadLetter: spec.options.deadLetter, onDrop: this.#onDrop });
    const leave = (): void => membership.leave();
    this.#leaves.add(leave);
    return {
      stop: async () => {
        this.#leaves.delete(leave);
        leave();
      },
    };
  }

  publish(command: PublishCommand<MemoryPublishOptions>): Promise<void> {
    if (command.kind === "request" && !this.hub.hasSubscribers(command.destination)) {
      return Promise.reject(new NoRespondersError(command.destination));
    }
    for (const message of command.messages) {
      if (message.body.byteLength > this.#maxMessageBytes) {
        return Promise.reject(
          new MessageTooLargeError(`a ${message.body.byteLength}-byte message exceeds the in-process broker's limit of ${this.#maxMessageBytes} bytes (maxMessageBytes)`),
        );
      }
    }
    const [single] = command.messages;
    // One message (the usual case) needs no async loop: the hub buffers it synchronously unless it is full.
    if (command.messages.length === 1 && single !== undefined) return this.hub.publish(envelopeOf(command, single)) ?? done;
    return this.#publishInOrder(command);
  }

  async #publishInOrder(command: PublishCommand<MemoryPublishOptions>): Promise<void> {
    for (const message of command.messages) await this.hub.publish(envelopeOf(command, message));
  }

  createInboxName(): string {
    return `_INBOX.${randomUUID()}`;
  }
}
