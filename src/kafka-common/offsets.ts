/**
 * The commit position of one partition. Records are handled out of order (concurrency, redelivery), but Kafka
 * keeps one committed offset per partition: it may only move past a record once that record and every earlier
 * one are settled. This is what makes "commit only what was processed" hold.
 */
class PartitionLedger<T> {
  #entries: { readonly item: T; settled: boolean }[] = [];
  #head = 0;

  add(item: T): void {
    this.#entries.push({ item, settled: false });
  }

  /** Marks `item` settled; returns the last item of the settled prefix when the prefix grew (commit after it). */
  settle(item: T): T | undefined {
    for (let index = this.#head; index < this.#entries.length; index += 1) {
      const entry = this.#entries[index]!;
      if (entry.item === item) {
        entry.settled = true;
        break;
      }
    }
    let last: T | undefined;
    while (this.#head < this.#entries.length && this.#entries[this.#head]!.settled) last = this.#entries[this.#head++]!.item;
    if (this.#head > 512 || this.#head === this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
    return last;
  }
}

/** Commit positions of every partition a consumer reads, keyed `topic:partition`. */
export class OffsetLedger<T> {
  readonly #partitions = new Map<string, PartitionLedger<T>>();

  add(partition: string, item: T): void {
    let ledger = this.#partitions.get(partition);
    if (ledger === undefined) {
      ledger = new PartitionLedger<T>();
      this.#partitions.set(partition, ledger);
    }
    ledger.add(item);
  }

  settle(partition: string, item: T): T | undefined {
    return this.#partitions.get(partition)?.settle(item);
  }

  /** Every partition with records this consumer still tracks. */
  partitions(): string[] {
    return [...this.#partitions.keys()];
  }

  /** The partition moved to another group member: its records here will never be committed by this one. */
  forget(partition: string): void {
    this.#partitions.delete(partition);
  }
}
