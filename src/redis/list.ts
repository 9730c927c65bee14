import type { DeliveryHandler, IncomingMessage, Settlement } from "../core/index.js";
import type { MessageFormat } from "./envelope.js";
import { HEADER, toIncoming, withHeaders, type RedisRawMessage } from "./message.js";
import type { RedisListSubscribeOptions } from "./options.js";
import { Poller, type PollerDeps, type PollSpec } from "./poller.js";

/**
 * A list consumer: `BLMPOP` from the head (publishers `RPUSH` to the tail, as FastStream does), so each message
 * goes to one consumer. Settlement, decided here and documented in the options: a pop is final, so ack and
 * reject change nothing in Redis (reject dead-letters when asked); a nack with requeue pushes the message
 * back to the head, counting its deliveries in the envelope, until `maxDeliveries`. A consumer that dies
 * between the pop and the handler's end loses the message: use a stream with a group for at-least-once.
 */
export class ListPoller extends Poller {
  constructor(
    deps: PollerDeps,
    spec: PollSpec,
    handler: DeliveryHandler<RedisRawMessage>,
    private readonly options: RedisListSubscribeOptions,
    private readonly format: MessageFormat,
  ) {
    super(deps, spec, handler);
  }

  protected kind(): string {
    return "list";
  }

  protected async prepare(): Promise<void> {}

  protected async poll(count: number, blockMs: number): Promise<void> {
    const key = this.spec.destination;
    const popped = (await this.blocking(() => this.conn.callBuffer("BLMPOP", blockMs / 1000, 1, key, "LEFT", "COUNT", count))) as [Buffer, Buffer[]] | null;
    if (popped === null) return;
    const items = await this.fill(popped[1], async (more) => ((await this.conn.callBuffer("LMPOP", 1, key, "LEFT", "COUNT", more)) as [Buffer, Buffer[]] | null)?.[1] ?? []);
    const messages = items.map((data) => toIncoming({ type: "list", channel: key, pattern: undefined, data, entryId: undefined, group: undefined }));
    this.deliver(messages);
  }

  protected async settle(messages: IncomingMessage<RedisRawMessage>[], settlement: Settlement): Promise<void> {
    if (settlement.kind === "ack") return;
    const key = this.spec.destination;
    const { deadLetter } = this.options;
    const requeue: Buffer[] = [];
    const dead: Buffer[] = [];
    for (const message of messages) {
      const count = String(message.deliveryCount);
      if (this.redelivery.requeues(settlement, message.deliveryCount)) {
        requeue.push(withHeaders(this.format, message.raw.data, { [HEADER.listDeliveries]: count }));
      } else if (deadLetter !== undefined) {
        dead.push(withHeaders(this.format, message.raw.data, { [HEADER.listDeliveries]: undefined, [HEADER.deadLetterFrom]: key, [HEADER.deliveryCount]: count }));
      } else {
        this.deps.logger().warn("dropped a rejected message (the subscriber has no deadLetter list)", { destination: key, messageId: message.messageId });
      }
    }
    if (requeue.length + dead.length === 0) return;
    const transaction = this.deps.main.multi();
    // LPUSH reverses its arguments: pushing the batch back-to-front keeps its order at the head of the list.
    if (requeue.length > 0) transaction.lpush(key, ...requeue.reverse());
    if (dead.length > 0) transaction.rpush(deadLetter!, ...dead);
    // exec() resolves with one [error, result] pair per command: a popped message must not vanish silently.
    const failed = (await transaction.exec())?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  }
}
