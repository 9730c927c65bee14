import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { DeliveryHandler, IncomingMessage, Settlement } from "../core/index.js";
import type { MessageFormat } from "./envelope.js";
import { HEADER, STREAM_DATA_FIELD, toIncoming, withHeaders, type RedisRawMessage } from "./message.js";
import type { RedisStreamSubscribeOptions } from "./options.js";
import { Poller, type PollerDeps, type PollSpec } from "./poller.js";

type Entry = [id: Buffer, fields: Buffer[] | null];
/** One stream's reply to XREAD/XREADGROUP: ioredis 6 gives `[key, entries]`, older versions `[[key, entries]]`. */
type StreamReply = [key: Buffer, entries: Entry[]] | [key: Buffer, entries: Entry[]][] | null;

/**
 * A stream consumer. With a group: `XREADGROUP` and `XACK`; a nack with requeue leaves the entry pending and
 * this consumer takes it again at once (`XCLAIM`, which counts the delivery on the server); entries another
 * consumer left pending for `claim.minIdleMs` are taken over with `XAUTOCLAIM`; on start, the consumer first
 * re-reads its own pending entries (a restart under the same `consumer` name). Without a group: `XREAD` from
 * the end of the stream as it was on subscribe, nothing to settle.
 */
export class StreamPoller extends Poller {
  readonly #group: string | undefined;
  readonly #consumer: string;
  /** Entries nacked with requeue, by id, with the deliveries they have had. */
  readonly #retries = new Map<string, number>();
  #lastId = "0-0";
  #ownPending: string | undefined = "0";
  #claimCursor = "0-0";
  #nextClaim = 0;
  /** Claiming is on by default in a group: entries a crashed consumer left pending must not stay there forever. */
  readonly #claim: { readonly minIdleMs: number; readonly intervalMs?: number | undefined } | undefined;

  constructor(
    deps: PollerDeps,
    spec: PollSpec,
    handler: DeliveryHandler<RedisRawMessage>,
    private readonly options: RedisStreamSubscribeOptions,
    private readonly format: MessageFormat,
  ) {
    super(deps, spec, handler);
    this.#group = options.group;
    this.#claim = options.claim ?? (options.group === undefined ? undefined : { minIdleMs: 60_000 });
    this.#consumer = options.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  }

  protected kind(): string {
    return "stream";
  }

  protected async prepare(): Promise<void> {
    const key = this.spec.destination;
    if (this.#group === undefined) {
      const last = (await this.conn.xrevrange(key, "+", "-", "COUNT", 1))[0];
      this.#lastId = last?.[0] ?? "0-0";
      return;
    }
    try {
      await this.conn.xgroup("CREATE", key, this.#group, this.options.startId ?? "$", "MKSTREAM");
    } catch (error) {
      if (!String((error as Error).message).startsWith("BUSYGROUP")) throw error;
    }
  }

  protected async poll(count: number, blockMs: number): Promise<void> {
    const key = this.spec.destination;
    if (this.#group === undefined) {
      const reply = (await this.blocking(() => this.conn.callBuffer("XREAD", "COUNT", count, "BLOCK", blockMs, "STREAMS", key, this.#lastId))) as StreamReply;
      const entries = await this.fill(entriesOf(reply), async (more) => entriesOf((await this.conn.callBuffer("XREAD", "COUNT", more, "STREAMS", key, this.#lastId)) as StreamReply));
      this.#handOver(entries, () => 1);
      return;
    }
    const group = this.#group;
    const counts = new Map<string, number>();
    let entries: Entry[];
    if (this.#ownPending !== undefined) {
      // Pending entries of this consumer name from an earlier run; XREADGROUP with an id does not block.
      entries = entriesOf((await this.conn.callBuffer("XREADGROUP", "GROUP", group, this.#consumer, "COUNT", count, "STREAMS", key, this.#ownPending)) as StreamReply);
      this.#ownPending = entries.length === 0 ? undefined : entries.at(-1)![0].toString();
      await this.#countDeliveries(entries, counts);
    } else if (this.#retries.size > 0) {
      const ids = [...this.#retries.keys()].slice(0, count);
      for (const id of ids) {
        counts.set(id, this.#retries.get(id)! + 1);
        this.#retries.delete(id);
      }
      entries = (await this.conn.callBuffer("XCLAIM", key, group, this.#consumer, 0, ...ids)) as Entry[];
    } else if (this.#claim !== undefined && Date.now() >= this.#nextClaim) {
      const [cursor, claimed] = (await this.conn.callBuffer("XAUTOCLAIM", key, group, this.#consumer, this.#claim.minIdleMs, this.#claimCursor, "COUNT", count)) as [Buffer, Entry[]];
      this.#claimCursor = cursor.toString();
      if (this.#claimCursor === "0-0") this.#nextClaim = Date.now() + (this.#claim.intervalMs ?? this.#claim.minIdleMs);
      entries = claimed;
      await this.#countDeliveries(entries, counts);
    } else {
      const wait = this.#claim === undefined ? blockMs : Math.max(1, Math.min(blockMs, this.#nextClaim - Date.now()));
      const read = (more: number, block: (string | number)[]) => this.conn.callBuffer("XREADGROUP", "GROUP", group, this.#consumer, "COUNT", more, ...block, "STREAMS", key, ">");
      const reply = (await this.blocking(() => read(count, ["BLOCK", wait]))) as StreamReply;
      entries = await this.fill(entriesOf(reply), async (more) => entriesOf((await read(more, [])) as StreamReply));
    }
    this.#handOver(entries, (id) => counts.get(id) ?? 1);
  }

  #handOver(entries: Entry[], deliveries: (id: string) => number): void {
    const key = this.spec.destination;
    const messages: IncomingMessage<RedisRawMessage>[] = [];
    const gone: string[] = [];
    for (const [idBuffer, fields] of entries) {
      const id = idBuffer.toString();
      if (this.#group === undefined) this.#lastId = id;
      // A pending entry that was deleted (XDEL, trimming) comes back without fields: nothing to handle.
      if (fields === null) {
        gone.push(id);
        continue;
      }
      const raw: RedisRawMessage = { type: "stream", channel: key, pattern: undefined, data: envelopeOf(fields), entryId: id, group: this.#group };
      messages.push(toIncoming(raw, deliveries(id)));
    }
    if (gone.length > 0 && this.#group !== undefined) void this.deps.main.xack(key, this.#group, ...gone).catch(() => undefined);
    if (messages.length > 0) this.deliver(messages);
  }

  async #countDeliveries(entries: Entry[], counts: Map<string, number>): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.deps.main.pipeline();
    for (const [id] of entries) pipeline.xpending(this.spec.destination, this.#group!, id, id, 1);
    const replies = (await pipeline.exec()) ?? [];
    for (const [error, rows] of replies) {
      const row = !error && Array.isArray(rows) ? (rows[0] as [string, string, number, number] | undefined) : undefined;
      if (row !== undefined) counts.set(row[0], row[3]);
    }
  }

  protected async settle(messages: IncomingMessage<RedisRawMessage>[], settlement: Settlement): Promise<void> {
    const group = this.#group;
    if (group === undefined) {
      if (settlement.kind === "nack" && settlement.requeue) this.deps.logger().warn("a stream read without a group cannot redeliver: the nack changes nothing", { destination: this.spec.destination });
      return;
    }
    const key = this.spec.destination;
    const ids = messages.map((message) => message.raw.entryId!);
    if (settlement.kind === "ack") {
      await this.deps.main.xack(key, group, ...ids);
      return;
    }
    const { deadLetter } = this.options;
    const settled: string[] = [];
    const dead: Buffer[] = [];
    for (const message of messages) {
      const id = message.raw.entryId!;
      if (this.redelivery.requeues(settlement, message.deliveryCount)) {
        this.#retries.set(id, message.deliveryCount);
        continue;
      }
      if (deadLetter !== undefined) {
        dead.push(withHeaders(this.format, message.raw.data, { [HEADER.deadLetterFrom]: key, [HEADER.deliveryCount]: String(message.deliveryCount) }));
      } else {
        this.deps.logger().warn("dropped a rejected message (the subscriber has no deadLetter stream)", { destination: key, messageId: message.messageId });
      }
      settled.push(id);
    }
    if (settled.length > 0) {
      // The dead letters and the acknowledgement happen together or not at all.
      const transaction = this.deps.main.multi();
      for (const data of dead) transaction.xadd(deadLetter!, "*", STREAM_DATA_FIELD, data);
      const results = (await transaction.xack(key, group, ...settled).exec()) ?? [];
      const failed = results.find(([error]) => error !== null)?.[0];
      if (failed) throw failed;
    }
    if (this.#retries.size > 0) this.wake();
  }
}

function entriesOf(reply: StreamReply): Entry[] {
  if (reply === null || reply.length === 0) return [];
  if (Buffer.isBuffer(reply[0])) return (reply[1] as Entry[] | undefined) ?? [];
  return (reply as [Buffer, Entry[]][])[0]?.[1] ?? [];
}

/** The envelope of an entry: FastStream's `__data__` field, or (an entry written by someone else) its fields as JSON. */
function envelopeOf(fields: Buffer[]): Buffer {
  const map: Record<string, string> = {};
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const name = fields[index]!.toString();
    if (name === STREAM_DATA_FIELD) return fields[index + 1]!;
    map[name] = fields[index + 1]!.toString();
  }
  return Buffer.from(JSON.stringify(map), "utf8");
}
