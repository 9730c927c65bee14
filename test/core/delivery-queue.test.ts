import { describe, expect, test } from "vitest";
import { DeliveryQueue, DropReporter, type DeliveryQueueOptions } from "../../src/core/index.js";

interface Gate {
  readonly items: number[];
  open(): void;
}

/** A queue whose deliveries stay in the handler until opened, recording what each delivery got. */
function harness(options: Partial<DeliveryQueueOptions<number>> = {}) {
  const deliveries: Gate[] = [];
  const queue = new DeliveryQueue<number>({
    concurrency: 1,
    ...options,
    deliver: (items) =>
      new Promise<void>((resolve) => {
        deliveries.push({ items, open: resolve });
      }),
  });
  return { queue, deliveries, handed: () => deliveries.map((delivery) => delivery.items) };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("DeliveryQueue", () => {
  test("hands items over in order, at most `concurrency` deliveries at once", async () => {
    const { queue, deliveries, handed } = harness({ concurrency: 2 });
    for (const n of [1, 2, 3, 4]) queue.push(n);
    expect(handed()).toEqual([[1], [2]]);
    expect(queue.queued).toBe(2);
    deliveries[0]!.open();
    await tick();
    expect(handed()).toEqual([[1], [2], [3]]);
    expect(queue.inFlight).toBe(2);
  });

  test("batches: full ones at once, a partial one after maxWaitMs", async () => {
    const { queue, handed } = harness({ concurrency: 4, batch: { maxSize: 3, maxWaitMs: 20 } });
    for (const n of [1, 2, 3, 4, 5]) queue.push(n);
    expect(handed()).toEqual([[1, 2, 3]]);
    await sleep(40);
    expect(handed()).toEqual([[1, 2, 3], [4, 5]]);
  });

  test("handOver sends a gathered batch at once", () => {
    const { queue, handed } = harness({ batch: { maxSize: 10, maxWaitMs: 10_000 } });
    queue.handOver([1, 2]);
    expect(handed()).toEqual([[1, 2]]);
  });

  test("at-most-once: beyond maxPending waiting items new ones are dropped and reported", () => {
    const warnings: Record<string, unknown>[] = [];
    const drops = new DropReporter({ name: "s", destination: "d" }, 2, "test", (_message, fields) => warnings.push(fields));
    const { queue, handed } = harness({ drops });
    const taken = [1, 2, 3, 4, 5].map((n) => queue.push(n));
    // One in the handler, two waiting, two dropped.
    expect(taken).toEqual([true, true, true, false, false]);
    expect(handed()).toEqual([[1]]);
    drops.close();
    expect(warnings.reduce((total, fields) => total + Number(fields.dropped), 0)).toBe(2);
  });

  test("paced sources are paused at highWater and resumed at half of it", async () => {
    const calls: string[] = [];
    const { queue, deliveries } = harness({ backpressure: { highWater: 4, pause: () => calls.push("pause"), resume: () => calls.push("resume") } });
    for (const n of [1, 2, 3, 4, 5]) queue.push(n);
    expect(calls).toEqual(["pause"]);
    deliveries[0]!.open();
    await tick();
    deliveries[1]!.open();
    await tick();
    expect(calls).toEqual(["pause", "resume"]);
  });

  test("a requeued item goes back to the front; retain drops waiting items by key", () => {
    const { queue } = harness({ keyOf: (n) => (n % 2 === 0 ? "even" : "odd") });
    for (const n of [1, 2, 3, 4, 5]) queue.push(n);
    queue.requeue([9]);
    queue.retain((key) => key === "odd");
    expect(queue.takeQueued()).toEqual([9, 3, 5]);
    queue.close();
    expect(queue.push(7)).toBe(false);
  });

  test("drain hands over what waits (partial batches at once) and resolves once every delivery ended; nothing new starts", async () => {
    const { queue, deliveries, handed } = harness({ batch: { maxSize: 10, maxWaitMs: 10_000 } });
    queue.push(1);
    queue.push(2);
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    expect(handed()).toEqual([[1, 2]]);
    expect(queue.push(3)).toBe(false);
    await tick();
    expect(drained).toBe(false);
    deliveries[0]!.open();
    await draining;
    expect(drained).toBe(true);
  });

  test("room() waits while a delivery's worth waits; free() while every handler is busy", async () => {
    const { queue, deliveries } = harness();
    queue.push(1);
    queue.push(2);
    let room = false;
    let free = false;
    void queue.room().then(() => (room = true));
    void queue.free().then(() => (free = true));
    await tick();
    expect([room, free]).toEqual([false, false]);
    deliveries[0]!.open();
    await tick();
    expect([room, free]).toEqual([true, false]);
    deliveries[1]!.open();
    await tick();
    expect(free).toBe(true);
  });

  test("a delivery that rejects is reported and frees its place", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const queue = new DeliveryQueue<number>({ concurrency: 1, onError: (error) => errors.push(error), deliver: () => (++calls === 1 ? Promise.reject(new Error("bug")) : Promise.resolve()) });
    queue.push(1);
    queue.push(2);
    await tick();
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });
});
