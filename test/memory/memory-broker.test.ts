import { expect, test } from "vitest";
import { ConfigurationError, MessageTooLargeError, silentLogger } from "../../src/index.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { Collector } from "../conformance/wait.js";

test("an oversized message is refused with MessageTooLargeError and nothing else is lost", async () => {
  const broker = new MemoryBroker({ logger: silentLogger, maxMessageBytes: 16 });
  const got = new Collector<string>(2_000);
  broker.subscriber("small").handle((body: string) => {
    got.push(body);
  });
  await broker.start();
  await expect(broker.publish("x".repeat(17), "small")).rejects.toThrow(MessageTooLargeError);
  await broker.publish("fits", "small");
  expect(await got.first()).toBe("fits");
  expect(got.items).toEqual(["fits"]);
  await broker.close();
});

test("a full buffer makes publishers wait instead of dropping (backpressure)", async () => {
  const broker = new MemoryBroker({ logger: silentLogger, bufferSize: 2 });
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const got = new Collector<number>(2_000);
  broker.subscriber("slow").handle(async (n: number) => {
    await gate;
    got.push(n);
  });
  await broker.start();
  const publishes = [1, 2, 3, 4, 5].map((n) => broker.publish(n, "slow"));
  let settled = 0;
  for (const publish of publishes) void publish.then(() => (settled += 1));
  await new Promise((resolve) => setTimeout(resolve, 20));
  // One message in the handler, two buffered: the other publishers are waiting for room.
  expect(settled).toBeLessThan(5);
  release();
  await Promise.all(publishes);
  expect(await got.count(5)).toEqual([1, 2, 3, 4, 5]);
  await broker.close();
});

test("wrong in-process options are refused at construction", () => {
  expect(() => new MemoryBroker({ bufferSize: 0 })).toThrow(ConfigurationError);
  expect(() => new MemoryBroker({ maxMessageBytes: -1 })).toThrow(ConfigurationError);
});
