import { describe, expect } from "vitest";
import { z } from "zod";
import { AckMessage, NackMessage, RejectMessage, ValidationError, type Middleware, type Settlement } from "../../src/core/index.js";
import { conformance, type BrokerHarness, type Kit } from "./harness.js";
import type { Collector } from "./wait.js";

interface Settled {
  readonly settlement: Settlement | undefined;
  readonly error: unknown;
  readonly deliveryCount: number;
}

/** A subscriber middleware that records how each delivery was settled (after the handler, as the broker saw it). */
function settlements(kit: Kit): { middleware: Middleware; got: Collector<Settled> } {
  const got = kit.collector<Settled>();
  const middleware: Middleware = {
    async consume(context, next) {
      context.onSettled((settlement, error) => got.push({ settlement, error, deliveryCount: context.message.deliveryCount }));
      await next();
    },
  };
  return { middleware, got };
}

const ack = { kind: "ack" };
const reject = { kind: "reject" };
const requeue = { kind: "nack", requeue: true };

export function describeAck(harness: BrokerHarness): void {
  describe("ack", () => {
    const it = conformance(harness, "ack");

    it("reject-on-error (default): a failed message is rejected, logged, and not redelivered", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-default");
      const { middleware, got } = settlements(kit);
      let calls = 0;
      broker.subscriber(destination, { ...kit.sub(), middlewares: [middleware] }).handle(() => {
        calls += 1;
        throw new Error("boom");
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      const settled = await got.first();
      expect(settled.settlement).toEqual(reject);
      expect(settled.error).toBeInstanceOf(Error);
      await kit.quiet();
      expect(calls).toBe(1);
      const logged = kit.logger.problems(Error);
      expect(logged).toHaveLength(1);
      expect(logged[0]?.level).toBe("error");
      expect((logged[0]?.fields?.error as Error).message).toBe("boom");
    });

    it(
      "nack-on-error: a failed message is redelivered until the handler succeeds",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("ack-nack");
        const { middleware, got } = settlements(kit);
        const bodies = kit.collector<string>();
        broker.subscriber(destination, { ...kit.sub(), ackPolicy: "nack-on-error", middlewares: [middleware] }).handle((body: string) => {
          bodies.push(body);
          if (bodies.items.length === 1) throw new Error("transient");
        });
        await kit.start(broker);
        await broker.publish("again", destination);
        expect(await bodies.count(2)).toEqual(["again", "again"]);
        expect((await got.count(2)).map((item) => item.settlement)).toEqual([requeue, ack]);
        await kit.quiet();
        expect(bodies.items).toHaveLength(2);
      },
      { needs: ["redelivery"] },
    );

    it(
      "deliveryCount starts at 1 and counts redeliveries",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("ack-count");
        const counts = kit.collector<number>();
        broker.subscriber(destination, { ...kit.sub(), ackPolicy: "nack-on-error" }).handle((_body: unknown, context) => {
          counts.push(context.message.deliveryCount);
          if (context.message.deliveryCount < 3) throw new Error("not yet");
        });
        await kit.start(broker);
        await broker.publish("x", destination);
        expect(await counts.count(3)).toEqual([1, 2, 3]);
      },
      { needs: ["redelivery"] },
    );

    it(
      "the broker's ackPolicy option is the default that a subscriber's own ackPolicy overrides",
      async (kit) => {
        const broker = kit.broker({ ackPolicy: "nack-on-error" });
        const inherits = kit.dest("ack-inherit");
        const overrides = kit.dest("ack-override");
        const inherited = kit.collector<number>();
        const overridden = kit.collector<number>();
        broker.subscriber(inherits, kit.sub()).handle((_body: unknown, context) => {
          inherited.push(context.message.deliveryCount);
          if (context.message.deliveryCount === 1) throw new Error("first try fails");
        });
        broker.subscriber(overrides, { ...kit.sub(), ackPolicy: "reject-on-error" }).handle((_body: unknown, context) => {
          overridden.push(context.message.deliveryCount);
          throw new Error("always fails");
        });
        await kit.start(broker);
        await broker.publish("x", inherits);
        await broker.publish("x", overrides);
        expect(await inherited.count(2)).toEqual([1, 2]);
        await overridden.first();
        await kit.quiet();
        expect(overridden.items).toEqual([1]);
      },
      { needs: ["redelivery"] },
    );

    it(
      "throwing NackMessage redelivers, even under reject-on-error, and is not logged as a failure",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("ack-throw-nack");
        const counts = kit.collector<number>();
        broker.subscriber(destination, kit.sub()).handle((_body: unknown, context) => {
          counts.push(context.message.deliveryCount);
          if (counts.items.length === 1) throw new NackMessage();
        });
        await kit.start(broker);
        await broker.publish("x", destination);
        expect(await counts.count(2)).toEqual([1, 2]);
        expect(kit.logger.entries.filter((entry) => entry.level === "error")).toEqual([]);
      },
      { needs: ["redelivery"] },
    );

    it("throwing NackMessage({ requeue: false }) does not redeliver", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-nack-no-requeue");
      const { middleware, got } = settlements(kit);
      broker.subscriber(destination, { ...kit.sub(), ackPolicy: "nack-on-error", middlewares: [middleware] }).handle(() => {
        throw new NackMessage({ requeue: false });
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      expect((await got.first()).settlement).toEqual({ kind: "nack", requeue: false });
      await kit.quiet();
      expect(got.items).toHaveLength(1);
    });

    it("throwing RejectMessage under nack-on-error rejects without redelivery or error log", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-throw-reject");
      const { middleware, got } = settlements(kit);
      broker.subscriber(destination, { ...kit.sub(), ackPolicy: "nack-on-error", middlewares: [middleware] }).handle(() => {
        throw new RejectMessage();
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      expect((await got.first()).settlement).toEqual(reject);
      await kit.quiet();
      expect(got.items).toHaveLength(1);
      expect(kit.logger.entries.filter((entry) => entry.level === "error")).toEqual([]);
    });

    it("throwing AckMessage acks and publishes no result", async (kit) => {
      const broker = kit.broker();
      const input = kit.dest("ack-throw-ack");
      const output = kit.dest("ack-throw-ack-out");
      const { middleware, got } = settlements(kit);
      broker.subscriber(input, { ...kit.sub(), ackPolicy: "nack-on-error", middlewares: [middleware], publishers: [broker.publisher(output)] }).handle((): string => {
        throw new AckMessage();
      });
      const out = kit.listen(broker, output);
      await kit.start(broker);
      await broker.publish("x", input);
      expect((await got.first()).settlement).toEqual(ack);
      await kit.quiet();
      expect(got.items).toHaveLength(1);
      expect(out.items).toHaveLength(0);
      expect(kit.logger.entries.filter((entry) => entry.level === "error" || entry.level === "warn")).toEqual([]);
    });

    it("manual: context.ack() settles the message, and nothing is settled when the handler does not", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-manual");
      const { middleware, got } = settlements(kit);
      broker.subscriber(destination, { ...kit.sub(), ackPolicy: "manual", middlewares: [middleware] }).handle(async (body: string, context) => {
        if (body === "ack me") await context.ack();
      });
      await kit.start(broker);
      await broker.publish("ack me", destination);
      await broker.publish("leave me", destination);
      expect((await got.count(2)).map((item) => item.settlement)).toEqual([ack, undefined]);
    });

    it(
      "manual: context.nack() redelivers",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("ack-manual-nack");
        const counts = kit.collector<number>();
        broker.subscriber(destination, { ...kit.sub(), ackPolicy: "manual" }).handle(async (_body: unknown, context) => {
          counts.push(context.message.deliveryCount);
          if (counts.items.length === 1) await context.nack();
          else await context.ack();
        });
        await kit.start(broker);
        await broker.publish("x", destination);
        expect(await counts.count(2)).toEqual([1, 2]);
        await kit.quiet();
        expect(counts.items).toHaveLength(2);
      },
      { needs: ["redelivery"] },
    );

    it("the first settlement wins: a handler that rejects early and then returns stays rejected", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-first-wins");
      const { middleware, got } = settlements(kit);
      broker.subscriber(destination, { ...kit.sub(), middlewares: [middleware] }).handle(async (_body: unknown, context) => {
        await context.reject();
        await context.ack();
        return "ignored";
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      expect((await got.first()).settlement).toEqual(reject);
      await kit.quiet();
      expect(got.items).toHaveLength(1);
    });

    it("ack: a failed message is acked and the failure is logged", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-always");
      const { middleware, got } = settlements(kit);
      broker.subscriber(destination, { ...kit.sub(), ackPolicy: "ack", middlewares: [middleware] }).handle(() => {
        throw new Error("logged, then acked");
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      const settled = await got.first();
      expect(settled.settlement).toEqual(ack);
      expect(settled.error).toBeInstanceOf(Error);
      expect(kit.logger.problems(Error).map((entry) => (entry.fields?.error as Error).message)).toEqual(["logged, then acked"]);
      await kit.quiet();
      expect(got.items).toHaveLength(1);
    });

    it("ack-first: the message is acked before the handler runs", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-first");
      const during = kit.collector<Settlement | undefined>();
      const { middleware, got } = settlements(kit);
      broker.subscriber(destination, { ...kit.sub(), ackPolicy: "ack-first", middlewares: [middleware] }).handle((_body: unknown, context) => {
        during.push(context.settlement);
        throw new Error("too late to nack");
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      expect(await during.first()).toEqual(ack);
      expect((await got.first()).settlement).toEqual(ack);
      await kit.quiet();
      expect(during.items).toHaveLength(1);
    });

    it("a validation failure under nack-on-error is rejected, not redelivered, and the consumer goes on", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-invalid");
      const { middleware, got } = settlements(kit);
      const handled = kit.collector<number>();
      broker.subscriber(destination, { ...kit.sub(), schema: z.number(), ackPolicy: "nack-on-error", middlewares: [middleware] }).handle((n) => {
        handled.push(n);
      });
      await kit.start(broker);
      await broker.publish("not a number", destination);
      await broker.publish(5, destination);
      expect(await handled.first()).toBe(5);
      const [invalid, valid] = await got.count(2);
      expect(invalid?.settlement).toEqual(reject);
      expect(invalid?.error).toBeInstanceOf(ValidationError);
      expect(valid?.settlement).toEqual(ack);
      await kit.quiet();
      expect(got.items).toHaveLength(2);
    });

    it("a throwing handler does not stop the consumer", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("ack-keeps-going");
      const handled = kit.collector<string>();
      broker.subscriber(destination, kit.sub()).handle(async (body: string) => {
        if (body.startsWith("bad")) throw new Error(body);
        await Promise.resolve();
        handled.push(body);
      });
      await kit.start(broker);
      for (const body of ["bad-1", "good-1", "bad-2", "good-2"]) await broker.publish(body, destination);
      expect(await handled.count(2)).toEqual(["good-1", "good-2"]);
      expect(kit.logger.problems(Error)).toHaveLength(2);
    });

    it(
      "a rejected message goes to the dead-letter destination",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("ack-dlq-src");
        const deadLetters = kit.dest("ack-dlq");
        broker.subscriber(destination, { ...kit.sub(), ...harness.deadLetter!.subscriberOptions(deadLetters, {}) }).handle(() => {
          throw new RejectMessage();
        });
        const dead = kit.listen(broker, deadLetters);
        await kit.start(broker);
        await broker.publish({ order: 1 }, destination, { headers: { tenant: "acme" } });
        const { body, context } = await dead.first();
        expect(body).toEqual({ order: 1 });
        expect(context.headers.tenant).toBe("acme");
        const origin = harness.deadLetter!.originHeader;
        if (origin !== undefined) expect(context.headers[origin]).toBe(destination);
      },
      { needs: ["deadLetter"] },
    );

    it(
      "a message nacked maxDeliveries times is dead-lettered instead of requeued",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("ack-max-src");
        const deadLetters = kit.dest("ack-max-dlq");
        let attempts = 0;
        broker.subscriber(destination, { ...kit.sub(), ackPolicy: "nack-on-error", ...harness.deadLetter!.subscriberOptions(deadLetters, { maxDeliveries: 2 }) }).handle(() => {
          attempts += 1;
          throw new Error("always fails");
        });
        const dead = kit.listen(broker, deadLetters);
        await kit.start(broker);
        await broker.publish("poison", destination);
        expect((await dead.first()).body).toBe("poison");
        await kit.quiet();
        expect(attempts).toBe(2);
      },
      { needs: ["deadLetter", "redelivery"] },
    );
  });
}
