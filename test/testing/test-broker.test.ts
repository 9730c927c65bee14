import { expect, test } from "vitest";
import { z } from "zod";
import { Broker, silentLogger, type Transport } from "../../src/core/index.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { testBroker } from "../../src/testing/index.js";

test("runs a broker's subscribers in-process and records what each handled", async () => {
  const broker = new MemoryBroker({ logger: silentLogger });
  const toShipping = broker.publisher("shipping");
  const orders = broker.subscriber("orders", { schema: z.object({ id: z.number() }), publishers: [toShipping] }).handle((order) => ({ shipped: order.id }));
  const shipping = broker.subscriber("shipping").handle(() => undefined);
  await using test = await testBroker(broker);
  await broker.publish({ id: 7 }, "orders");
  await broker.publish({ id: "not a number" }, "orders");
  await test.idle();
  expect(test.calls(orders).map((call) => call.body)).toEqual([{ id: 7 }]);
  expect(test.calls(shipping).map((call) => call.body)).toEqual([{ shipped: 7 }]);
});

test("a broker of another kind runs over the hub too, request/reply included", async () => {
  // A transport that cannot connect stands for a broker whose server is absent in unit tests.
  const unreachable = { kind: "elsewhere", connect: () => Promise.reject(new Error("no server")) } as unknown as Transport;
  const broker = new Broker("elsewhere", unreachable, { logger: silentLogger });
  broker.subscriber("double").handle((n: number) => n * 2);
  await using test = await testBroker(broker);
  expect((await broker.request<number>(21, "double")).body).toBe(42);
  await test.idle();
});

test("the transport can only be swapped before the broker connects", async () => {
  const broker = new MemoryBroker({ logger: silentLogger });
  await broker.start();
  await expect(testBroker(broker)).rejects.toThrow(/before the broker connects/);
  await broker.close();
});
