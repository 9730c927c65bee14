import { describe, expect } from "vitest";
import type { Middleware, PublishCommand, Settlement } from "../../src/core/index.js";
import { conformance, type BrokerHarness } from "./harness.js";
import { waitFor } from "./wait.js";

/** A middleware that writes `name>` on the way in and `<name` on the way out, for the messages `only` accepts. */
function tracer(name: string, log: string[], only: (destination: string) => boolean = () => true): Middleware {
  return {
    async consume(context, next) {
      if (!only(context.message.destination)) return next();
      log.push(`${name}>`);
      try {
        await next();
      } finally {
        log.push(`<${name}`);
      }
    },
    async publish(command, next) {
      if (!only(command.destination)) return next(command);
      log.push(`pub ${name}>`);
      try {
        return await next(command);
      } finally {
        log.push(`<pub ${name}`);
      }
    },
  };
}

export function describeMiddlewareOrder(harness: BrokerHarness): void {
  describe("middleware order", () => {
    const it = conformance(harness, "middleware-order");

    it("consume middlewares nest broker → router → inner router → subscriber around the handler", async (kit) => {
      const log: string[] = [];
      const prefix = `${kit.dest("mw-consume")}-`;
      const destination = `${prefix}in.c`;
      const only = (name: string): boolean => name === destination;
      const broker = kit.broker({ middlewares: [tracer("broker", log, only)] });
      const outer = kit.router({ prefix, middlewares: [tracer("router", log, only)] });
      const inner = kit.router({ prefix: "in.", middlewares: [tracer("inner", log, only)] });
      const done = kit.collector<string>();
      inner.subscriber("c", { ...kit.sub(), middlewares: [tracer("subscriber", log, only), tracer("subscriber-2", log, only)] }).handle((body: string) => {
        log.push("handler");
        done.push(body);
      });
      outer.include(inner);
      broker.include(outer);
      await kit.start(broker);
      await broker.publish("x", destination);
      await done.first();
      await kit.quiet();
      expect(log.filter((entry) => !entry.includes("pub"))).toEqual([
        "broker>",
        "router>",
        "inner>",
        "subscriber>",
        "subscriber-2>",
        "handler",
        "<subscriber-2",
        "<subscriber",
        "<inner",
        "<router",
        "<broker",
      ]);
    });

    it("publishing a handler's result runs broker → router → subscriber → publisher middlewares", async (kit) => {
      const log: string[] = [];
      const prefix = `${kit.dest("mw-result")}-`;
      const output = `${prefix}out`;
      const only = (name: string): boolean => name === output;
      const commands: PublishCommand[] = [];
      const broker = kit.broker({ middlewares: [tracer("broker", log, only)] });
      const router = kit.router({ prefix, middlewares: [tracer("router", log, only)] });
      const spy: Middleware = {
        publish(command, next) {
          commands.push(command);
          return next(command);
        },
      };
      const publisher = router.publisher("out", { middlewares: [tracer("publisher", log, only), spy] });
      router.subscriber("in", { ...kit.sub(), middlewares: [tracer("subscriber", log, only)], publishers: [publisher] }).handle((text: string) => `${text}!`);
      broker.include(router);
      const got = kit.listen(broker, output);
      await kit.start(broker);
      await broker.publish("result", `${prefix}in`);
      expect((await got.first()).body).toBe("result!");
      // The consumer can see the result before the publishing chain has unwound: wait for the outermost exit.
      await waitFor(() => log.includes("<pub broker"), kit.timeoutMs, "the result's publish chain to unwind");
      expect(log.filter((entry) => entry.includes("pub"))).toEqual([
        "pub broker>",
        "pub router>",
        "pub subscriber>",
        "pub publisher>",
        "<pub publisher",
        "<pub subscriber",
        "<pub router",
        "<pub broker",
      ]);
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatchObject({ kind: "publish", destination: output, fromHandler: true });
    });

    it("broker publish middlewares see broker.publish and publisher.publish, outermost first", async (kit) => {
      const log: string[] = [];
      const commands: PublishCommand[] = [];
      const destination = kit.dest("mw-publish");
      const only = (name: string): boolean => name === destination;
      const spy: Middleware = {
        publish(command, next) {
          if (only(command.destination)) commands.push(command);
          return next(command);
        },
      };
      const broker = kit.broker({ middlewares: [spy, tracer("broker", log, only)] });
      const publisher = broker.publisher(destination, { middlewares: [tracer("publisher", log, only)] });
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish("direct", destination, { correlationId: "mw-corr" });
      await publisher.publish("via publisher");
      await got.count(2);
      expect(commands.map((command) => [command.kind, command.destination, command.fromHandler])).toEqual([
        ["publish", destination, false],
        ["publish", destination, false],
      ]);
      expect(commands[0]?.messages[0]?.correlationId).toBe("mw-corr");
      expect(log.filter((entry) => entry.includes("pub"))).toEqual([
        "pub broker>",
        "<pub broker",
        "pub broker>",
        "pub publisher>",
        "<pub publisher",
        "<pub broker",
      ]);
    });

    it("a publish middleware may add and change headers", async (kit) => {
      const destination = kit.dest("mw-headers");
      const stamp: Middleware = {
        publish(command, next) {
          for (const message of command.messages) {
            message.headers["x-stamp"] = `stamped:${command.kind}`;
            if (message.headers.secret !== undefined) message.headers.secret = "redacted";
          }
          return next(command);
        },
      };
      const broker = kit.broker({ middlewares: [stamp] });
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish("one", destination, { headers: { secret: "hunter2" } });
      const { context } = await got.first();
      expect(context.headers["x-stamp"]).toBe("stamped:publish");
      expect(context.headers.secret).toBe("redacted");
    });

    it(
      "a publish middleware sees a request with its reply, and the responder's middleware sees the reply",
      async (kit) => {
        const destination = kit.dest("mw-request");
        const clientSaw: { kind: string; reply: unknown }[] = [];
        const serviceSaw: { kind: string; fromHandler: boolean; correlationId: string | undefined }[] = [];
        const client = kit.broker({
          middlewares: [
            {
              async publish(command, next) {
                const outcome = await next(command);
                clientSaw.push({ kind: command.kind, reply: outcome === undefined ? undefined : new TextDecoder().decode(outcome.body) });
                return outcome;
              },
            },
          ],
        });
        const service = kit.broker({
          middlewares: [
            {
              publish(command, next) {
                serviceSaw.push({ kind: command.kind, fromHandler: command.fromHandler, correlationId: command.messages[0]?.correlationId });
                return next(command);
              },
            },
          ],
        });
        service.subscriber(destination, kit.sub()).handle((text: string) => `re: ${text}`);
        await kit.start(service);
        await kit.start(client);
        await client.request("hello", destination, { correlationId: "mw-rpc", timeoutMs: kit.timeoutMs });
        expect(clientSaw).toEqual([{ kind: "request", reply: "re: hello" }]);
        expect(serviceSaw).toEqual([{ kind: "reply", fromHandler: true, correlationId: "mw-rpc" }]);
      },
      { needs: ["requestReply"] },
    );

    it("onSettled tells a broker middleware how each delivery was settled, and why", async (kit) => {
      const destination = kit.dest("mw-settled");
      const settled: { body: string; settlement: Settlement | undefined; error: unknown }[] = [];
      const watcher: Middleware = {
        async consume(context, next) {
          if (context.message.destination === destination) {
            const body = new TextDecoder().decode(context.message.body);
            context.onSettled((settlement, error) => settled.push({ body, settlement, error }));
          }
          await next();
        },
      };
      const broker = kit.broker({ middlewares: [watcher] });
      const done = kit.collector<string>();
      broker.subscriber(destination, kit.sub()).handle((body: string) => {
        done.push(body);
        if (body === "fail") throw new Error("handler failed");
      });
      await kit.start(broker);
      await broker.publish("ok", destination);
      await broker.publish("fail", destination);
      await done.count(2);
      await kit.quiet();
      expect(settled).toHaveLength(2);
      expect(settled[0]).toEqual({ body: "ok", settlement: { kind: "ack" }, error: undefined });
      expect(settled[1]).toMatchObject({ body: "fail", settlement: { kind: "reject" } });
      expect((settled[1]?.error as Error).message).toBe("handler failed");
    });

    it("a consume middleware that catches the handler's error turns the delivery into an ack", async (kit) => {
      const destination = kit.dest("mw-swallow");
      const settled: (Settlement | undefined)[] = [];
      const swallow: Middleware = {
        async consume(context, next) {
          context.onSettled((settlement) => settled.push(settlement));
          await next().catch(() => undefined);
        },
      };
      const broker = kit.broker();
      const attempts = kit.collector<number>();
      broker.subscriber(destination, { ...kit.sub(), ackPolicy: "nack-on-error", middlewares: [swallow] }).handle((_body: unknown, context) => {
        attempts.push(context.message.deliveryCount);
        throw new Error("swallowed");
      });
      await kit.start(broker);
      await broker.publish("x", destination);
      await attempts.first();
      await kit.quiet();
      expect(attempts.items).toEqual([1]);
      expect(settled).toEqual([{ kind: "ack" }]);
    });

    it("a consume middleware that throws before next() skips the handler, and the message is rejected", async (kit) => {
      const destination = kit.dest("mw-guard");
      const settled: (Settlement | undefined)[] = [];
      const guard: Middleware = {
        async consume(context, next) {
          context.onSettled((settlement) => settled.push(settlement));
          if (context.headers.token !== "ok") throw new Error("unauthorised");
          await next();
        },
      };
      const broker = kit.broker();
      const handled = kit.collector<string>();
      broker.subscriber(destination, { ...kit.sub(), middlewares: [guard] }).handle((body: string) => {
        handled.push(body);
      });
      await kit.start(broker);
      await broker.publish("intruder", destination);
      await broker.publish("friend", destination, { headers: { token: "ok" } });
      expect(await handled.first()).toBe("friend");
      await kit.quiet();
      expect(handled.items).toEqual(["friend"]);
      expect(settled).toEqual([{ kind: "reject" }, { kind: "ack" }]);
    });
  });
}
