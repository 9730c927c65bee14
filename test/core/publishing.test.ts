import { afterEach, expect, test, vi } from "vitest";
import { silentLogger, type Middleware } from "../../src/core/index.js";
import type * as middlewareModule from "../../src/core/middleware.js";
import { MemoryBroker, MemoryRouter } from "../../src/memory/index.js";

// Counts compositions: a chain is composed once per middleware list and then reused for every send.
const composed = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../src/core/middleware.js", async (importOriginal) => {
  const original = await importOriginal<typeof middlewareModule>();
  return {
    ...original,
    composePublish: (...args: Parameters<typeof original.composePublish>) => {
      composed.count += 1;
      return original.composePublish(...args);
    },
  };
});

const brokers: MemoryBroker[] = [];
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((broker) => broker.close()));
});

/** A publish middleware that writes its name and the destination of each command it sees. */
function recorder(name: string, log: string[]): Middleware {
  return {
    publish: (command, next) => {
      log.push(`${name}:${command.destination}`);
      return next(command);
    },
  };
}

function memoryBroker(middlewares: Middleware[]): MemoryBroker {
  const broker = new MemoryBroker({ logger: silentLogger, middlewares });
  brokers.push(broker);
  return broker;
}

test("a publisher composes its chain on the first publish and reuses it", async () => {
  const log: string[] = [];
  const broker = memoryBroker([recorder("broker", log)]);
  const publisher = broker.publisher("out", { middlewares: [recorder("own", log)] });
  await broker.start();
  await publisher.publish("one");
  const afterFirst = composed.count;
  await publisher.publish("two");
  await publisher.publish("three");
  expect(composed.count).toBe(afterFirst);
  expect(log).toEqual(["broker:out", "own:out", "broker:out", "own:out", "broker:out", "own:out"]);
});

test("a publisher made before its router was included publishes through the router's middlewares too", async () => {
  const log: string[] = [];
  const broker = memoryBroker([recorder("broker", log)]);
  const router = new MemoryRouter({ prefix: "orders.", middlewares: [recorder("router", log)] });
  const publisher = router.publisher("created", { middlewares: [recorder("own", log)] });
  await expect(publisher.publish("early")).rejects.toThrow(/not included in a broker/);
  broker.include(router);
  await broker.start();
  await publisher.publish("first");
  await publisher.publish("second");
  expect(log).toEqual(["broker:orders.created", "router:orders.created", "own:orders.created", "broker:orders.created", "router:orders.created", "own:orders.created"]);
});

test("a handler's results and replies reuse the chains composed when its subscriber started", async () => {
  const log: string[] = [];
  const broker = memoryBroker([recorder("broker", log)]);
  const out = broker.publisher("doubled", { middlewares: [recorder("own", log)] });
  broker.subscriber("numbers", { publishers: [out] }).handle((n: number) => n * 2);
  const received: unknown[] = [];
  broker.subscriber("doubled").handle((n: number) => void received.push(n));
  await broker.start();
  await broker.publish(1, "numbers");
  const started = composed.count;
  for (const n of [2, 3]) await broker.publish(n, "numbers");
  const reply = await broker.request<number>(5, "numbers", { timeoutMs: 2_000 });
  await vi.waitFor(() => expect(received).toHaveLength(4));
  expect(reply.body).toBe(10);
  expect((received as number[]).sort((a, b) => a - b)).toEqual([2, 4, 6, 10]);
  expect(composed.count).toBe(started);
  expect(log.filter((entry) => entry === "own:doubled")).toHaveLength(4);
});
