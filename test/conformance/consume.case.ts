import { describe, expect } from "vitest";
import { currentContext, type MessageContext } from "../../src/core/index.js";
import { conformance, type BrokerHarness } from "./harness.js";
import { deferred, sleep, waitFor } from "./wait.js";

export function describeConsume(harness: BrokerHarness): void {
  describe("consume", () => {
    const it = conformance(harness, "consume");

    it("every subscriber without a group gets every message (fan-out)", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("fanout");
      const first = kit.listen<number>(broker, destination);
      const second = kit.listen<number>(broker, destination);
      await kit.start(broker);
      for (const n of [1, 2, 3]) await broker.publish(n, destination);
      expect((await first.count(3)).map((item) => item.body)).toEqual([1, 2, 3]);
      expect((await second.count(3)).map((item) => item.body)).toEqual([1, 2, 3]);
      await kit.quiet();
      expect(first.items).toHaveLength(3);
      expect(second.items).toHaveLength(3);
    });

    it(
      "subscribers sharing a group split the messages without duplicates",
      async (kit) => {
        const serviceA = kit.broker();
        const serviceB = kit.broker();
        const producer = kit.broker();
        const destination = kit.dest("group");
        const group = kit.dest("workers");
        const seen = kit.collector<number>();
        for (const service of [serviceA, serviceB]) {
          service.subscriber(destination, kit.sub({ group })).handle((n: number) => seen.push(n));
        }
        await Promise.all([kit.start(serviceA), kit.start(serviceB)]);
        await producer.connect();
        const sent = Array.from({ length: 20 }, (_, index) => index);
        for (const n of sent) await producer.publish(n, destination);
        await seen.count(20);
        await kit.quiet();
        // A fan-out would deliver 40; a lost message would leave fewer than 20 distinct values.
        expect(seen.items).toHaveLength(20);
        expect([...seen.items].sort((a, b) => a - b)).toEqual(sent);
      },
      { needs: ["consumerGroups"] },
    );

    it(
      "a group and a subscriber without a group each get every message once",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("group-fanout");
        const group = kit.dest("g");
        const grouped = kit.collector<number>();
        const alone = kit.listen<number>(broker, destination);
        broker.subscriber(destination, kit.sub({ group })).handle((n: number) => grouped.push(n));
        broker.subscriber(destination, kit.sub({ group })).handle((n: number) => grouped.push(n));
        await kit.start(broker);
        for (const n of [1, 2, 3, 4]) await broker.publish(n, destination);
        await Promise.all([grouped.count(4), alone.count(4)]);
        await kit.quiet();
        expect([...grouped.items].sort()).toEqual([1, 2, 3, 4]);
        expect(alone.items.map((item) => item.body)).toEqual([1, 2, 3, 4]);
      },
      { needs: ["consumerGroups"] },
    );

    it("router prefixes apply to subscribers, nested routers concatenate", async (kit) => {
      const broker = kit.broker();
      const base = kit.dest("routes");
      const outer = kit.router({ prefix: `${base}-a.` });
      const inner = kit.router({ prefix: "b." });
      const direct = kit.listen(outer, "c");
      const nested = kit.listen(inner, "c");
      outer.include(inner);
      broker.include(outer);
      expect(broker.subscribers().map((subscriber) => subscriber.destination).sort()).toEqual([`${base}-a.b.c`, `${base}-a.c`]);
      await kit.start(broker);
      await broker.publish("to a.c", `${base}-a.c`);
      await broker.publish("to a.b.c", `${base}-a.b.c`);
      const [outerItem] = await direct.count(1);
      const [innerItem] = await nested.count(1);
      expect(outerItem?.body).toBe("to a.c");
      expect(outerItem?.context.subscriber.destination).toBe(`${base}-a.c`);
      expect(innerItem?.body).toBe("to a.b.c");
      expect(innerItem?.context.message.destination).toBe(`${base}-a.b.c`);
      await kit.quiet();
      expect(direct.items).toHaveLength(1);
      expect(nested.items).toHaveLength(1);
    });

    it("a handler's return value goes to its publishers with the same correlation id (functional style)", async (kit) => {
      const broker = kit.broker();
      const input = kit.dest("chain-in");
      const outA = kit.dest("chain-out-a");
      const outB = kit.dest("chain-out-b");
      broker.subscriber(input, { ...kit.sub(), publishers: [broker.publisher(outA), broker.publisher(outB)] }).handle((n: number) => ({ doubled: n * 2 }));
      const gotA = kit.listen(broker, outA);
      const gotB = kit.listen(broker, outB);
      await kit.start(broker);
      await broker.publish(21, input, { correlationId: "chain-1" });
      for (const got of [gotA, gotB]) {
        const { body, context } = await got.first();
        expect(body).toEqual({ doubled: 42 });
        expect(context.correlationId).toBe("chain-1");
      }
    });

    it("a decorated method's return value goes to its @publisher (class style)", async (kit) => {
      const broker = kit.broker();
      const input = kit.dest("class-in");
      const output = kit.dest("class-out");
      const above = kit.dest("class-out-above");
      const out = broker.publisher(output);
      const outAbove = broker.publisher(above);
      const got = kit.listen<string>(broker, output);
      const gotAbove = kit.listen<string>(broker, above);
      const names: string[] = [];
      class Shouter {
        readonly suffix = "!";
        // One publisher below the subscriber decorator and one above it: the order must not matter.
        @outAbove
        @broker.subscriber(input, kit.sub())
        @out
        shout(text: string, context: MessageContext): string {
          names.push(context.subscriber.name);
          return text.toUpperCase() + this.suffix;
        }
      }
      new Shouter();
      await kit.start(broker);
      await broker.publish("hey", input);
      expect((await got.first()).body).toBe("HEY!");
      expect((await gotAbove.first()).body).toBe("HEY!");
      expect(names).toEqual(["Shouter.shout"]);
    });

    it("a router subscriber's result goes to the router's publisher under its prefix", async (kit) => {
      const broker = kit.broker();
      const prefix = `${kit.dest("router-chain")}-`;
      const router = kit.router({ prefix });
      router.subscriber("in", { ...kit.sub(), publishers: [router.publisher("out")] }).handle((text: string) => `${text} routed`);
      broker.include(router);
      const got = kit.listen(broker, `${prefix}out`);
      await kit.start(broker);
      await broker.publish("msg", `${prefix}in`);
      expect((await got.first()).body).toBe("msg routed");
    });

    it("a handler that returns undefined publishes nothing", async (kit) => {
      const broker = kit.broker();
      const input = kit.dest("void-in");
      const output = kit.dest("void-out");
      const handled = kit.collector<unknown>();
      broker.subscriber(input, { ...kit.sub(), publishers: [broker.publisher(output)] }).handle((body: unknown) => {
        handled.push(body);
      });
      const got = kit.listen(broker, output);
      await kit.start(broker);
      await broker.publish("x", input);
      await handled.first();
      await kit.quiet();
      expect(got.items).toHaveLength(0);
    });

    it(
      "a batch subscriber gets arrays of at most maxSize decoded bodies",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("batch");
        const batches = kit.collector<{ bodies: number[]; context: MessageContext }>();
        broker.subscriber(destination, { ...kit.sub(), batch: { maxSize: 3, maxWaitMs: 50 } }).handle((bodies: number[], context) => {
          batches.push({ bodies, context });
        });
        await kit.start(broker);
        for (const n of [1, 2, 3, 4, 5]) await broker.publish(n, destination);
        await waitFor(() => batches.items.flatMap((batch) => batch.bodies).length >= 5, kit.timeoutMs, "5 batched messages");
        const all = batches.items;
        expect(all.every((batch) => Array.isArray(batch.bodies) && batch.bodies.length >= 1 && batch.bodies.length <= 3)).toBe(true);
        expect(all.flatMap((batch) => batch.bodies)).toEqual([1, 2, 3, 4, 5]);
        // Five messages published back to back must not arrive as five single-message batches.
        expect(all.some((batch) => batch.bodies.length > 1)).toBe(true);
        for (const { bodies, context } of all) {
          expect(context.batch).toBe(true);
          expect(context.messages).toHaveLength(bodies.length);
          expect(context.message).toBe(context.messages[0]);
        }
      },
      { needs: ["batchConsume"] },
    );

    it(
      "a partial batch is delivered once maxWaitMs has passed",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("batch-wait");
        const batches = kit.collector<unknown[]>();
        broker.subscriber(destination, { ...kit.sub(), batch: { maxSize: 100, maxWaitMs: 30 } }).handle((bodies: unknown[]) => {
          batches.push(bodies);
        });
        await kit.start(broker);
        await broker.publish("a", destination);
        await broker.publish("b", destination);
        expect(await batches.first("a partial batch")).toEqual(["a", "b"]);
      },
      { needs: ["batchConsume"] },
    );

    it("concurrency limits how many messages are in the handler at once", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("concurrency");
      const gate = deferred();
      let active = 0;
      let peak = 0;
      const done = kit.collector<number>();
      broker.subscriber(destination, { ...kit.sub(), concurrency: 3 }).handle(async (n: number) => {
        active += 1;
        peak = Math.max(peak, active);
        await gate.promise;
        active -= 1;
        done.push(n);
      });
      await kit.start(broker);
      for (const n of [1, 2, 3, 4, 5, 6]) await broker.publish(n, destination);
      await waitFor(() => active === 3, kit.timeoutMs, "3 handlers in flight");
      await kit.quiet();
      expect(active).toBe(3);
      gate.resolve();
      expect((await done.count(6)).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect(peak).toBe(3);
    });

    it("without a concurrency option messages are handled one at a time, in order", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("serial");
      let active = 0;
      let peak = 0;
      const done = kit.collector<number>();
      broker.subscriber(destination, kit.sub()).handle(async (n: number) => {
        active += 1;
        peak = Math.max(peak, active);
        await sleep(5);
        active -= 1;
        done.push(n);
      });
      await kit.start(broker);
      for (const n of [1, 2, 3, 4]) await broker.publish(n, destination);
      expect(await done.count(4)).toEqual([1, 2, 3, 4]);
      expect(peak).toBe(1);
    });

    it("the handler's context carries the message, headers, ids, subscriber and logger", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("context");
      const seen = kit.collector<{ body: unknown; context: MessageContext; settlementDuring: unknown }>();
      broker.subscriber(destination, { ...kit.sub(), name: "context-reader" }).handle((body: unknown, context) => {
        context.logger.info("inside the handler", { marker: "ctx-log" });
        seen.push({ body, context, settlementDuring: context.settlement });
      });
      await kit.start(broker);
      await broker.publish({ hello: "world" }, destination, { headers: { tenant: "acme" }, correlationId: "ctx-corr", messageId: "ctx-msg" });
      const { body, context, settlementDuring } = await seen.first();
      expect(body).toEqual({ hello: "world" });
      expect(JSON.parse(new TextDecoder().decode(context.message.body))).toEqual({ hello: "world" });
      expect(context.messages).toEqual([context.message]);
      expect(context.batch).toBe(false);
      expect(context.headers.tenant).toBe("acme");
      expect(context.correlationId).toBe("ctx-corr");
      expect(context.message.messageId).toBe("ctx-msg");
      expect(context.message.destination).toBe(destination);
      expect(context.message.deliveryCount).toBe(1);
      expect(context.subscriber.name).toBe("context-reader");
      expect(context.subscriber.destination).toBe(destination);
      expect(context.signal.aborted).toBe(false);
      expect(settlementDuring).toBeUndefined();
      expect(kit.logger.entries.some((entry) => entry.fields?.marker === "ctx-log")).toBe(true);
      await waitFor(() => context.settlement !== undefined, kit.timeoutMs, "the message to be settled");
      expect(context.settlement).toEqual({ kind: "ack" });
    });

    it("currentContext() is the handler's context, across awaits and timers, and undefined outside", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("current");
      const seen = kit.collector<{ context: MessageContext; found: (MessageContext | undefined)[] }>();
      const deeper = async (): Promise<MessageContext | undefined> => {
        await sleep(1);
        return currentContext();
      };
      broker.subscriber(destination, kit.sub()).handle(async (_body: unknown, context) => {
        const found = [currentContext(), await deeper(), await new Promise<MessageContext | undefined>((resolve) => setTimeout(() => resolve(currentContext()), 1))];
        seen.push({ context, found });
      });
      await kit.start(broker);
      expect(currentContext()).toBeUndefined();
      await broker.publish("a", destination);
      await broker.publish("b", destination);
      const [first, second] = await seen.count(2);
      for (const item of [first, second]) {
        expect(item?.found).toHaveLength(3);
        for (const found of item?.found ?? []) expect(found).toBe(item?.context);
      }
      expect(first?.context).not.toBe(second?.context);
      expect(currentContext()).toBeUndefined();
    });

    it("context.broker publishes from inside a handler", async (kit) => {
      const broker = kit.broker();
      const input = kit.dest("inner-in");
      const output = kit.dest("inner-out");
      broker.subscriber(input, kit.sub()).handle(async (text: string, context) => {
        await context.broker.publish(`${text} forwarded`, output, { headers: { hop: "1" } });
      });
      const got = kit.listen(broker, output);
      await kit.start(broker);
      await broker.publish("msg", input);
      const { body, context } = await got.first();
      expect(body).toBe("msg forwarded");
      expect(context.headers.hop).toBe("1");
    });
  });
}
