import { describe, expect } from "vitest";
import { ConfigurationError, NotConnectedError } from "../../src/core/index.js";
import { conformance, type BrokerHarness } from "./harness.js";
import { deferred } from "./wait.js";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

export function describePublish(harness: BrokerHarness): void {
  describe("publish", () => {
    const it = conformance(harness, "publish");

    it("a string body arrives as text/plain", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-text");
      const got = kit.listen<string>(broker, destination);
      await kit.start(broker);
      await broker.publish("héllo", destination);
      const { body, context } = await got.first();
      expect(body).toBe("héllo");
      expect(context.message.contentType).toBe("text/plain");
      expect(context.message.destination).toBe(destination);
    });

    it("an object body arrives as application/json and decodes to an equal value", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-json");
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      const value = { id: 7, tags: ["a", "b"], nested: { ok: true, none: null } };
      await broker.publish(value, destination);
      await broker.publish(42, destination);
      const [object, number] = await got.count(2);
      expect(object?.body).toEqual(value);
      expect(object?.context.message.contentType).toBe("application/json");
      expect(number?.body).toBe(42);
    });

    it("a Uint8Array body arrives as the same bytes (application/octet-stream)", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-bytes");
      const got = kit.listen<Uint8Array>(broker, destination);
      await kit.start(broker);
      await broker.publish(new Uint8Array([0, 1, 254, 255]), destination);
      const { body, context } = await got.first();
      expect(body).toBeInstanceOf(Uint8Array);
      expect([...body]).toEqual([0, 1, 254, 255]);
      expect(context.message.contentType).toBe("application/octet-stream");
    });

    it("a published Uint8Array is sent as it was: changing the caller's buffer afterwards changes nothing", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-bytes-copy");
      const busy = deferred();
      const got = kit.collector<number[]>();
      // The first message holds the subscriber, so the second one waits in the broker while the caller
      // reuses its buffer, as a producer with a pooled buffer would.
      broker.subscriber(destination, kit.sub()).handle(async (body: Uint8Array) => {
        if (got.items.length === 0) await busy.promise;
        got.push([...body]);
      });
      await kit.start(broker);
      await broker.publish(new Uint8Array([0]), destination);
      const buffer = new Uint8Array([1, 2, 3]);
      await broker.publish(buffer, destination);
      buffer.fill(9);
      busy.resolve();
      expect(await got.count(2)).toEqual([[0], [1, 2, 3]]);
    });

    it("a +json content type chosen by the publisher is kept and decoded as JSON", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-vnd");
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish({ a: 1 }, destination, { contentType: "application/vnd.postline+json" });
      const { body, context } = await got.first();
      expect(body).toEqual({ a: 1 });
      expect(context.message.contentType).toBe("application/vnd.postline+json");
    });

    it("an undefined body arrives as undefined", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-empty");
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish(undefined, destination, { headers: { marker: "empty" } });
      const { body, context } = await got.first();
      expect(body).toBeUndefined();
      expect(context.headers.marker).toBe("empty");
    });

    it("headers, correlationId and messageId pass through", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-props");
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish("x", destination, { headers: { tenant: "acme", "x-trace": "t-1" }, correlationId: "corr-1", messageId: "msg-1" });
      const { context } = await got.first();
      expect(context.headers).toMatchObject({ tenant: "acme", "x-trace": "t-1" });
      expect(context.correlationId).toBe("corr-1");
      expect(context.message.correlationId).toBe("corr-1");
      expect(context.message.messageId).toBe("msg-1");
    });

    it("correlationId and messageId are generated when not given", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-ids");
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish(1, destination);
      await broker.publish(2, destination);
      const [first, second] = await got.count(2);
      for (const item of [first, second]) {
        expect(item?.context.correlationId).toMatch(/\S/);
        expect(item?.context.message.messageId).toMatch(/\S/);
      }
      expect(first?.context.message.messageId).not.toBe(second?.context.message.messageId);
      expect(first?.context.correlationId).not.toBe(second?.context.correlationId);
    });

    it("publishing before start/connect rejects with NotConnectedError", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-early");
      await expect(broker.publish("x", destination)).rejects.toBeInstanceOf(NotConnectedError);
      await expect(broker.publishBatch(["x"], destination)).rejects.toBeInstanceOf(NotConnectedError);
      await expect(broker.request("x", destination, { timeoutMs: 100 })).rejects.toBeInstanceOf(NotConnectedError);
      await expect(broker.publisher(destination).publish("x")).rejects.toBeInstanceOf(NotConnectedError);
      await expect(broker.publish("x", destination)).rejects.toThrow(/start/);
    });

    it("publishing after close rejects with NotConnectedError", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-late");
      await kit.start(broker);
      await broker.close();
      await expect(broker.publish("x", destination)).rejects.toBeInstanceOf(NotConnectedError);
      await expect(broker.publisher(destination).publish("x")).rejects.toBeInstanceOf(NotConnectedError);
    });

    it("connect() without start is enough to publish", async (kit) => {
      const consumer = kit.broker();
      const producer = kit.broker();
      const destination = kit.dest("pub-connect");
      const got = kit.listen(consumer, destination);
      // A subscriber on the publishing broker must not start: connect() only opens the connection.
      const idle = kit.listen(producer, destination);
      await kit.start(consumer);
      await producer.connect();
      expect(producer.connected).toBe(true);
      await producer.publish("from a client", destination);
      expect((await got.first()).body).toBe("from a client");
      await kit.quiet();
      expect(idle.items).toHaveLength(0);
      expect(producer.subscribers().every((subscriber) => !subscriber.running)).toBe(true);
    });

    it("an empty destination rejects with ConfigurationError", async (kit) => {
      const broker = kit.broker();
      await kit.start(broker);
      await expect(broker.publish("x", "")).rejects.toBeInstanceOf(ConfigurationError);
      await expect(broker.publishBatch(["x"], "")).rejects.toBeInstanceOf(ConfigurationError);
      await expect(broker.request("x", "", { timeoutMs: 100 })).rejects.toBeInstanceOf(ConfigurationError);
    });

    it("a bytes content type with a non-bytes body rejects with ConfigurationError", async (kit) => {
      const broker = kit.broker();
      await kit.start(broker);
      await expect(broker.publish({ a: 1 }, kit.dest("pub-bad-bytes"), { contentType: "application/octet-stream" })).rejects.toBeInstanceOf(ConfigurationError);
      await expect(broker.publish("x", kit.dest("pub-no-codec"), { contentType: "application/x-unknown" })).rejects.toBeInstanceOf(ConfigurationError);
    });

    it(
      "publishBatch delivers every message, each decoded on its own",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("pub-batch");
        const got = kit.listen(broker, destination);
        await kit.start(broker);
        await broker.publishBatch(["one", { two: 2 }, bytes("three")], destination, { headers: { batch: "yes" } });
        const items = await got.count(3);
        expect(items.map((item) => item.context.message.contentType).sort()).toEqual(["application/json", "application/octet-stream", "text/plain"]);
        expect(items.map((item) => item.body)).toContainEqual({ two: 2 });
        expect(items.map((item) => item.body)).toContain("one");
        expect(items.every((item) => item.context.headers.batch === "yes")).toBe(true);
        expect(new Set(items.map((item) => item.context.message.messageId)).size).toBe(3);
        await kit.quiet();
        expect(got.items).toHaveLength(3);
      },
      { needs: ["batchPublish"] },
    );

    it(
      "publishBatch of nothing publishes nothing",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("pub-batch-empty");
        const got = kit.listen(broker, destination);
        await kit.start(broker);
        await broker.publishBatch([], destination);
        await broker.publish("marker", destination);
        expect((await got.first()).body).toBe("marker");
        await kit.quiet();
        expect(got.items).toHaveLength(1);
      },
      { needs: ["batchPublish"] },
    );

    it("messages from one publisher reach a single subscriber in publish order", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-order");
      const got = kit.listen<number>(broker, destination);
      await kit.start(broker);
      const sent = Array.from({ length: 20 }, (_, index) => index);
      for (const n of sent) await broker.publish(n, destination);
      expect((await got.count(20)).map((item) => item.body)).toEqual(sent);
    });

    it("a publisher object publishes to its destination with its default options", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("pub-object");
      const got = kit.listen(broker, destination);
      const publisher = broker.publisher<{ n: number }>(destination, { headers: { origin: "publisher" }, correlationId: "default-corr" });
      expect(publisher.destination).toBe(destination);
      await kit.start(broker);
      await publisher.publish({ n: 1 });
      await publisher.publish({ n: 2 }, { correlationId: "override-corr" });
      const [first, second] = await got.count(2);
      expect(first?.body).toEqual({ n: 1 });
      expect(first?.context.headers.origin).toBe("publisher");
      expect(first?.context.correlationId).toBe("default-corr");
      expect(second?.body).toEqual({ n: 2 });
      expect(second?.context.correlationId).toBe("override-corr");
    });

    it("a router's publisher publishes under the router's prefix", async (kit) => {
      const broker = kit.broker();
      const prefix = `${kit.dest("pub-router")}-`;
      const router = kit.router({ prefix });
      const publisher = router.publisher("out");
      broker.include(router);
      expect(publisher.destination).toBe(`${prefix}out`);
      const got = kit.listen(broker, `${prefix}out`);
      await kit.start(broker);
      await publisher.publish("routed");
      expect((await got.first()).body).toBe("routed");
    });

    it("a publisher of a router that is not included yet rejects with ConfigurationError", async (kit) => {
      const router = kit.router({ prefix: `${kit.dest("pub-orphan")}-` });
      const publisher = router.publisher("out");
      // A Promise-returning API must reject, not throw synchronously: `void publisher.publish()` and
      // `.catch()` chains would miss a synchronous throw.
      let outcome: Promise<void> | undefined;
      expect(() => {
        outcome = publisher.publish("x");
      }).not.toThrow();
      await expect(outcome).rejects.toBeInstanceOf(ConfigurationError);
    });
  });
}
