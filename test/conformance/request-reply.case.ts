import { describe, expect, expectTypeOf } from "vitest";
import { z } from "zod";
import { FeatureNotSupportedError, NoRespondersError, NotConnectedError, RequestTimeoutError, ValidationError } from "../../src/core/index.js";
import { conformance, type AnyBroker, type BrokerHarness, type Kit } from "./harness.js";
import { deferred, sleep } from "./wait.js";

/** A service that answers on `destination`, and a separate client broker that asks (two services, one broker). */
async function serviceAndClient(kit: Kit, register: (service: AnyBroker, destination: string) => void): Promise<{ client: AnyBroker; service: AnyBroker; destination: string }> {
  const service = kit.broker();
  const client = kit.broker();
  const destination = kit.dest("rpc");
  register(service, destination);
  await kit.start(service);
  await kit.start(client);
  return { client, service, destination };
}

export function describeRequestReply(harness: BrokerHarness): void {
  describe("request/reply", () => {
    const it = conformance(harness, "request-reply");
    const rpc = { needs: ["requestReply"] } as const;

    it(
      "a request resolves with the handler's return value",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, kit.sub()).handle((n: number) => ({ doubled: n * 2 }));
        });
        const reply = await client.request<{ doubled: number }>(21, destination, { timeoutMs: kit.timeoutMs });
        expect(reply.body).toEqual({ doubled: 42 });
        expect(reply.message.contentType).toBe("application/json");
      },
      rpc,
    );

    it(
      "the handler sees the request's correlation id and the reply keeps it",
      async (kit) => {
        const seen = kit.collector<string | undefined>();
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, kit.sub()).handle((text: string, context) => {
            seen.push(context.correlationId);
            return text.toUpperCase();
          });
        });
        const reply = await client.request<string>("hi", destination, { correlationId: "rpc-corr-1", timeoutMs: kit.timeoutMs });
        expect(reply.body).toBe("HI");
        expect(reply.correlationId).toBe("rpc-corr-1");
        expect(await seen.first()).toBe("rpc-corr-1");
      },
      rpc,
    );

    it(
      "a reply that does not come in time rejects with RequestTimeoutError, and later requests still work",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, { ...kit.sub(), concurrency: 4 }).handle(async (ms: number) => {
            await sleep(ms);
            return ms;
          });
        });
        const started = Date.now();
        const error = await client.request(300, destination, { timeoutMs: 50 }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RequestTimeoutError);
        expect(error).toMatchObject({ destination, timeoutMs: 50 });
        expect(Date.now() - started).toBeLessThan(280);
        // The late reply to the timed-out request must not be taken for the answer to this one.
        const reply = await client.request(400, destination, { timeoutMs: kit.timeoutMs });
        expect(reply.body).toBe(400);
      },
      rpc,
    );

    it(
      "the broker's requestTimeoutMs option is the default timeout",
      async (kit) => {
        const service = kit.broker();
        const client = kit.broker({ requestTimeoutMs: 50 });
        const destination = kit.dest("rpc-default-timeout");
        const release = deferred();
        service.subscriber(destination, kit.sub()).handle(() => release.promise);
        await kit.start(service);
        await kit.start(client);
        try {
          await expect(client.request("x", destination)).rejects.toBeInstanceOf(RequestTimeoutError);
        } finally {
          release.resolve();
        }
      },
      rpc,
    );

    it(
      "a request that nobody consumes rejects with the harness's noResponders error",
      async (kit) => {
        const client = kit.broker();
        await kit.start(client);
        const expected = harness.noResponders === "NoRespondersError" ? NoRespondersError : RequestTimeoutError;
        await expect(client.request("anyone?", kit.dest("rpc-nobody"), { timeoutMs: 200 })).rejects.toBeInstanceOf(expected);
      },
      rpc,
    );

    it(
      "concurrent requests each get their own reply",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, { ...kit.sub(), concurrency: 8 }).handle(async (n: number) => {
            // Finish out of order, so a reply matched to the wrong caller would show.
            await sleep((n * 7) % 13);
            return n * 10;
          });
        });
        const numbers = Array.from({ length: 20 }, (_, index) => index);
        const replies = await Promise.all(numbers.map((n) => client.request<number>(n, destination, { timeoutMs: kit.timeoutMs })));
        expect(replies.map((reply) => reply.body)).toEqual(numbers.map((n) => n * 10));
      },
      rpc,
    );

    it(
      "concurrent requests that share a correlation id each get their own reply",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, { ...kit.sub(), concurrency: 2 }).handle(async (n: number) => {
            await sleep(n === 1 ? 1 : 20);
            return n;
          });
        });
        // A handler forwarding its own correlation id to two calls is ordinary; the replies must not cross.
        const options = { correlationId: "shared-corr", timeoutMs: 500 };
        const [one, two] = await Promise.allSettled([client.request<number>(1, destination, options), client.request<number>(2, destination, options)]);
        expect(one).toMatchObject({ status: "fulfilled", value: { body: 1 } });
        expect(two).toMatchObject({ status: "fulfilled", value: { body: 2 } });
      },
      rpc,
    );

    it(
      "the reply body is validated, and typed, by the request's schema",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, kit.sub()).handle((n: number) => (n > 0 ? { total: n } : { total: "none" }));
        });
        const schema = z.object({ total: z.number() });
        const good = await client.request(5, destination, { schema, timeoutMs: kit.timeoutMs });
        expectTypeOf(good.body).toEqualTypeOf<{ total: number }>();
        expect(good.body.total).toBe(5);
        await expect(client.request(0, destination, { schema, timeoutMs: kit.timeoutMs })).rejects.toBeInstanceOf(ValidationError);
      },
      rpc,
    );

    it(
      "a handler's result goes both to the reply and to its publishers",
      async (kit) => {
        const service = kit.broker();
        const client = kit.broker();
        const destination = kit.dest("rpc-and-publish");
        const audit = kit.dest("rpc-audit");
        service.subscriber(destination, { ...kit.sub(), publishers: [service.publisher(audit)] }).handle((text: string) => `${text}-done`);
        const audited = kit.listen(service, audit);
        await kit.start(service);
        await kit.start(client);
        const reply = await client.request("job", destination, { correlationId: "job-1", timeoutMs: kit.timeoutMs });
        expect(reply.body).toBe("job-done");
        const { body, context } = await audited.first();
        expect(body).toBe("job-done");
        expect(context.correlationId).toBe("job-1");
        // The audit copy is an ordinary message: nobody should answer it.
        expect(context.message.replyTo).toBeUndefined();
      },
      rpc,
    );

    it(
      "a handler that returns nothing replies with an undefined body",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, kit.sub()).handle(() => undefined);
        });
        const reply = await client.request("x", destination, { timeoutMs: kit.timeoutMs });
        expect(reply.body).toBeUndefined();
      },
      rpc,
    );

    it(
      "a handler can make a request of its own (nested RPC)",
      async (kit) => {
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          const inner = `${destination}-inner`;
          service.subscriber(inner, kit.sub()).handle((n: number) => n + 1);
          service.subscriber(destination, kit.sub()).handle(async (n: number, context) => {
            const reply = await context.broker.request<number>(n, inner, { timeoutMs: kit.timeoutMs });
            return reply.body * 10;
          });
        });
        expect((await client.request(4, destination, { timeoutMs: kit.timeoutMs })).body).toBe(50);
      },
      rpc,
    );

    it(
      "a responder that shuts down gracefully still answers the requests it is handling",
      async (kit) => {
        const handling = deferred();
        const { client, service, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, kit.sub()).handle(async (text: string) => {
            handling.resolve();
            await sleep(100);
            return `${text} answered`;
          });
        });
        const reply = client.request<string>("last", destination, { timeoutMs: kit.timeoutMs });
        await handling.promise;
        await service.close();
        expect((await reply).body).toBe("last answered");
      },
      rpc,
    );

    it(
      "closing the requesting broker rejects its pending requests at once with NotConnectedError",
      async (kit) => {
        const release = deferred();
        const { client, destination } = await serviceAndClient(kit, (service, destination) => {
          service.subscriber(destination, kit.sub()).handle(() => release.promise);
        });
        try {
          const pending = client.request("never answered in time", destination, { timeoutMs: 10_000 });
          // Handle the rejection before close() awaits its own I/O, or Node reports it as unhandled.
          const rejected = expect(pending).rejects.toBeInstanceOf(NotConnectedError);
          await sleep(10);
          const started = Date.now();
          await client.close();
          await rejected;
          expect(Date.now() - started).toBeLessThan(1_000);
        } finally {
          release.resolve();
        }
      },
      rpc,
    );

    it(
      "request() rejects with FeatureNotSupportedError on a broker without request/reply",
      async (kit) => {
        const client = kit.broker();
        await kit.start(client);
        await expect(client.request("x", kit.dest("rpc-none"), { timeoutMs: 100 })).rejects.toBeInstanceOf(FeatureNotSupportedError);
      },
      { skipBecause: harness.capabilities.requestReply === "none" ? undefined : `${harness.name} supports request/reply` },
    );
  });
}
