import { describe, expect } from "vitest";
import { z } from "zod";
import { App, ConfigurationError, NotConnectedError, type AckPolicy, type Middleware, type Settlement } from "../../src/core/index.js";
import { conformance, type BrokerHarness } from "./harness.js";
import { deferred, sleep, waitFor, within } from "./wait.js";

/** A middleware made for a broker kind no harness has: every broker must refuse it. */
const foreign: Middleware<string> = { broker: "not-this-broker", consume: (_context, next) => next() };

export function describeLifecycle(harness: BrokerHarness): void {
  describe("lifecycle", () => {
    const it = conformance(harness, "lifecycle");

    it("start() is idempotent: starting twice does not subscribe twice", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("start-twice");
      const got = kit.listen(broker, destination);
      await Promise.all([broker.start(), broker.start()]);
      await kit.start(broker);
      await broker.publish("once", destination);
      await got.first();
      await kit.quiet();
      expect(got.items).toHaveLength(1);
      expect(broker.subscribers().every((subscriber) => subscriber.running)).toBe(true);
    });

    it("close() is idempotent, and closing a broker that never started is fine", async (kit) => {
      const neverStarted = kit.broker();
      await neverStarted.close();
      await neverStarted.close();
      const broker = kit.broker();
      kit.listen(broker, kit.dest("close-twice"));
      await kit.start(broker);
      await broker.close();
      await broker.close();
      expect(broker.connected).toBe(false);
      expect(broker.subscribers().some((subscriber) => subscriber.running)).toBe(false);
    });

    it("a second close() during the first waits until the broker is closed", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("close-concurrent");
      const handling = deferred();
      let finished = false;
      broker.subscriber(destination, kit.sub()).handle(async () => {
        handling.resolve();
        await sleep(100);
        finished = true;
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      await within(handling.promise, kit.timeoutMs, "the handler to start");
      const first = broker.close();
      // An App stopping on SIGTERM while a second signal (or a test's teardown) also closes: every caller must
      // see the broker closed, handlers drained, when its close() resolves. The second call comes a moment
      // later, once the first is under way.
      await sleep(10);
      await broker.close();
      expect(finished).toBe(true);
      expect(broker.connected).toBe(false);
      await first;
    });

    it(
      "no handler runs after close() resolves, not even for a partial batch that was waiting",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("close-batch");
        const calls: string[] = [];
        let closed = false;
        broker.subscriber(destination, { ...kit.sub(), batch: { maxSize: 10, maxWaitMs: 80 } }).handle(() => {
          calls.push(closed ? "after close" : "before close");
        });
        await kit.start(broker);
        await broker.publish("lonely", destination);
        await broker.close();
        closed = true;
        await sleep(150);
        expect(calls.filter((call) => call === "after close")).toEqual([]);
      },
      { needs: ["batchConsume"] },
    );

    it("close() waits for handlers in flight, which finish and are acked before it resolves", async (kit) => {
      const settled: (Settlement | undefined)[] = [];
      const watch: Middleware = {
        async consume(context, next) {
          context.onSettled((settlement) => settled.push(settlement));
          await next();
        },
      };
      const broker = kit.broker({ middlewares: [watch] });
      const destination = kit.dest("close-drain");
      const handling = deferred();
      const events: string[] = [];
      let aborted: boolean | undefined;
      broker.subscriber(destination, kit.sub()).handle(async (_body: unknown, context) => {
        handling.resolve();
        await sleep(100);
        aborted = context.signal.aborted;
        events.push("handler finished");
      });
      await kit.start(broker);
      await broker.publish("slow", destination);
      await within(handling.promise, kit.timeoutMs, "the handler to start");
      await broker.close();
      events.push("close resolved");
      expect(events).toEqual(["handler finished", "close resolved"]);
      expect(settled).toEqual([{ kind: "ack" }]);
      expect(aborted).toBe(false);
    });

    it(
      "a message handled during close() stays acknowledged: the group's next consumer does not get it again",
      async (kit) => {
        const first = kit.broker();
        const destination = kit.dest("close-ack");
        const handling = deferred();
        first.subscriber(destination, kit.sub({ group: "close-ack" })).handle(async () => {
          handling.resolve();
          await sleep(100);
        });
        await kit.start(first);
        await first.publish("once", destination);
        await within(handling.promise, kit.timeoutMs, "the handler to start");
        // The ack is sent while the broker drains; a connection closed before it reached the server loses it.
        await first.close();
        const second = kit.broker();
        const again = kit.collector<string>();
        second.subscriber(destination, kit.sub({ group: "close-ack" })).handle((body: string) => {
          again.push(body);
        });
        await kit.start(second);
        await kit.quiet();
        expect(again.items).toEqual([]);
      },
      { needs: ["redelivery", "consumerGroups"] },
    );

    it("a closed broker stops consuming", async (kit) => {
      const consumer = kit.broker();
      const producer = kit.broker();
      const destination = kit.dest("close-stops");
      const got = kit.listen(consumer, destination);
      await kit.start(consumer);
      await kit.start(producer);
      await producer.publish("before", destination);
      await got.first();
      await consumer.close();
      await producer.publish("after", destination);
      await kit.quiet();
      expect(got.items.map((item) => item.body)).toEqual(["before"]);
    });

    it("start() after close() rejects with NotConnectedError", async (kit) => {
      const broker = kit.broker();
      await kit.start(broker);
      await broker.close();
      await expect(broker.start()).rejects.toBeInstanceOf(NotConnectedError);
      expect(broker.connected).toBe(false);
    });

    it("handlers still running after shutdownTimeoutMs see their signal aborted", async (kit) => {
      const broker = kit.broker({ shutdownTimeoutMs: 50 });
      const destination = kit.dest("close-timeout");
      const handling = deferred();
      const sawAbort = deferred<boolean>();
      broker.subscriber(destination, kit.sub()).handle(async (_body: unknown, context) => {
        handling.resolve();
        await Promise.race([new Promise((resolve) => context.signal.addEventListener("abort", resolve)), sleep(1_000)]);
        sawAbort.resolve(context.signal.aborted);
      });
      await kit.start(broker);
      await broker.publish("stuck", destination);
      await within(handling.promise, kit.timeoutMs, "the handler to start");
      const started = Date.now();
      await broker.close();
      expect(await sawAbort.promise).toBe(true);
      expect(Date.now() - started).toBeLessThan(900);
    });

    it("a subscriber registered after start receives messages", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("late-sub");
      await kit.start(broker);
      const got = kit.collector<string>();
      const subscriber = broker.subscriber(destination, kit.sub()).handle((body: string) => {
        got.push(body);
      });
      await kit.ready(broker, subscriber);
      expect(subscriber.running).toBe(true);
      await broker.publish("late", destination);
      expect(await got.first()).toBe("late");
    });

    it("a router included after start has its subscribers started", async (kit) => {
      const broker = kit.broker();
      const prefix = `${kit.dest("late-router")}-`;
      await kit.start(broker);
      const router = kit.router({ prefix });
      const got = kit.listen(router, "in");
      broker.include(router);
      await kit.ready(broker, ...router.subscribers());
      await broker.publish("late router", `${prefix}in`);
      expect((await got.first()).body).toBe("late router");
    });

    it("App runs onStartup → start → afterStartup, then onShutdown → close → afterShutdown", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("app");
      const log: string[] = [];
      const hook = (name: string) => () => {
        log.push(`${name} (connected: ${broker.connected})`);
      };
      const handling = deferred();
      broker.subscriber(destination, kit.sub()).handle(async () => {
        handling.resolve();
        await sleep(50);
        log.push("handler finished");
      });
      const app = new App(broker, {
        logger: kit.logger,
        onStartup: [hook("onStartup 1"), hook("onStartup 2")],
        afterStartup: hook("afterStartup"),
        onShutdown: hook("onShutdown"),
        afterShutdown: hook("afterShutdown"),
      });
      app.afterShutdown(async () => {
        await sleep(5);
        log.push("afterShutdown (added later)");
      });
      await app.start();
      await harness.ready?.(broker);
      await broker.publish("work", destination);
      await within(handling.promise, kit.timeoutMs, "the handler to start");
      await app.stop();
      await app.stop();
      expect(log).toEqual([
        "onStartup 1 (connected: false)",
        "onStartup 2 (connected: false)",
        "afterStartup (connected: true)",
        "onShutdown (connected: true)",
        "handler finished",
        "afterShutdown (connected: false)",
        "afterShutdown (added later)",
      ]);
    });

    it("App.run() stops on a signal and drains the brokers", async (kit) => {
      const broker = kit.broker();
      const signal = "SIGUSR2";
      const before = process.listenerCount(signal);
      const app = new App(broker, { logger: kit.logger, signals: [signal] });
      const running = app.run();
      // run() listens before it starts the brokers (a signal during startup must stop gracefully too).
      await waitFor(() => process.listenerCount(signal) > before && broker.connected, kit.timeoutMs, "App.run() to listen and start");
      process.emit(signal, signal);
      await within(running, kit.timeoutMs, "App.run() to resolve after the signal");
      expect(broker.connected).toBe(false);
      expect(process.listenerCount(signal)).toBe(before);
    });

    it("bad broker options throw ConfigurationError at construction", (kit) => {
      expect(() => kit.broker({ ackPolicy: "sometimes" as AckPolicy })).toThrow(ConfigurationError);
      expect(() => kit.broker({ shutdownTimeoutMs: 0 })).toThrow(ConfigurationError);
      expect(() => kit.broker({ requestTimeoutMs: -1 })).toThrow(ConfigurationError);
      expect(() => kit.broker({ middlewares: [{}] })).toThrow(ConfigurationError);
      expect(() => kit.broker({ middlewares: [foreign] })).toThrow(ConfigurationError);
    });

    it("bad subscriber options throw ConfigurationError at registration", (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("bad-options");
      const register = (options: Record<string, unknown>, where = destination) => () => broker.subscriber(where, { ...kit.sub(), ...options });
      expect(register({ concurrency: 0 })).toThrow(ConfigurationError);
      expect(register({ concurrency: 1.5 })).toThrow(ConfigurationError);
      expect(register({ ackPolicy: "sometimes" })).toThrow(ConfigurationError);
      expect(register({ batch: { maxSize: 0 } })).toThrow(ConfigurationError);
      expect(register({ batch: { maxWaitMs: -1 } })).toThrow(ConfigurationError);
      expect(register({ schema: { parse: () => 1 } })).toThrow(ConfigurationError);
      expect(register({}, "")).toThrow(ConfigurationError);
      expect(broker.subscribers()).toHaveLength(0);
      // Valid options still register.
      broker.subscriber(destination, { ...kit.sub(), concurrency: 2, ackPolicy: "manual", schema: z.string() }).handle(() => undefined);
      expect(broker.subscribers()).toHaveLength(1);
    });

    it("a middleware branded for another broker is refused by brokers and routers", (kit) => {
      const broker = kit.broker();
      expect(() => broker.include(kit.router({ middlewares: [foreign] }))).toThrow(ConfigurationError);
    });

    it("a middleware branded for another broker is refused on subscribers and publishers", (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("foreign");
      expect(() => broker.subscriber(destination, { ...kit.sub(), middlewares: [foreign] })).toThrow(ConfigurationError);
      expect(() => broker.publisher(destination, { middlewares: [foreign] })).toThrow(ConfigurationError);
    });

    it("a router is included once, never in itself, and a decorated class is constructed once", (kit) => {
      const broker = kit.broker();
      const router = kit.router({ prefix: `${kit.dest("once")}-` });
      broker.include(router);
      expect(() => broker.include(router)).toThrow(ConfigurationError);
      const lone = kit.router();
      expect(() => lone.include(lone)).toThrow(ConfigurationError);
      const destination = kit.dest("class-once");
      class Handler {
        @broker.subscriber(destination, kit.sub())
        handle(): void {}
      }
      new Handler();
      expect(() => new Handler()).toThrow(ConfigurationError);
      expect(broker.subscribers()).toHaveLength(1);
    });
  });
}
