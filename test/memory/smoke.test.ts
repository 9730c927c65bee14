import { expect, test } from "vitest";
import { z } from "zod";
import { MemoryBroker } from "../../src/memory/index.js";
import { silentLogger } from "../../src/index.js";

test("chain in both styles", async () => {
  const broker = new MemoryBroker({ logger: silentLogger });
  const seen: string[] = [];
  const third = broker.publisher("third");
  broker.subscriber("first", { publishers: [broker.publisher("second")] }).handle(async (msg: string) => {
    seen.push(`first:${msg}`);
    return msg;
  });
  class Chain {
    @broker.subscriber("second")
    @third
    second(msg: string) {
      seen.push(`second:${msg}`);
      return msg + "!";
    }
  }
  new Chain();
  const done = new Promise<void>((resolve) => {
    broker.subscriber("third", { schema: z.string() }).handle((msg) => {
      seen.push(`third:${msg}`);
      resolve();
    });
  });
  await broker.start();
  await broker.publish("hi", "first");
  await done;
  expect(seen).toEqual(["first:hi", "second:hi", "third:hi!"]);
  broker.subscriber("rpc").handle((n: number) => n * 2);
  const reply = await broker.request<number>(21, "rpc");
  expect(reply.body).toBe(42);
  await broker.close();
});
