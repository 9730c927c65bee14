import { expect, test } from "vitest";
import { silentLogger } from "../../src/index.js";
import { MemoryBroker, MemoryHub } from "../../src/memory/index.js";
import { Collector } from "../conformance/wait.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test("a partial batch a subscriber is filling still counts as buffered, and in the group's bound", async () => {
  const hub = new MemoryHub({ bufferSize: 2 });
  const broker = new MemoryBroker({ logger: silentLogger, hub });
  const batches = new Collector<number[]>(2_000);
  broker.subscriber("batched", { batch: { maxSize: 10, maxWaitMs: 80 } }).handle((bodies: number[]) => batches.push(bodies));
  await broker.start();
  await broker.publish(1, "batched");
  await broker.publish(2, "batched");
  let third = false;
  const publish = broker.publish(3, "batched").then(() => (third = true));
  await sleep(20);
  // Both wait in the subscriber's filling batch: the hub still counts them, and a third publisher waits for room.
  expect(hub.buffered).toBe(2);
  expect(third).toBe(false);
  expect(await batches.first()).toEqual([1, 2]);
  // Handing the batch over makes room at once.
  await publish;
  expect(await batches.count(2)).toEqual([[1, 2], [3]]);
  await broker.close();
});

test("competing members take turns, one delivery each", async () => {
  const broker = new MemoryBroker({ logger: silentLogger });
  const got = new Collector<string>(2_000);
  broker.subscriber("work", { group: "g", name: "a" }).handle(async (n: number) => void got.push(`a${n}`));
  broker.subscriber("work", { group: "g", name: "b" }).handle(async (n: number) => void got.push(`b${n}`));
  await broker.start();
  for (const n of [1, 2, 3, 4]) await broker.publish(n, "work");
  expect((await got.count(4)).sort()).toEqual(["a1", "a3", "b2", "b4"]);
  await broker.close();
});
