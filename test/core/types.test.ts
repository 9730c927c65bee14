import { expect, expectTypeOf, test } from "vitest";
import { z } from "zod";
import type { MessageContext, Middleware } from "../../src/core/index.js";
import { MemoryBroker } from "../../src/memory/index.js";

// These are compile-time checks: `npm test` type-checks this file with tsc before vitest runs it.
test("a schema types the handler's body", () => {
  const broker = new MemoryBroker();
  broker.subscriber("orders", { schema: z.object({ id: z.string(), quantity: z.number() }) }).handle((order, context) => {
    expectTypeOf(order).toEqualTypeOf<{ id: string; quantity: number }>();
    expectTypeOf(context).toEqualTypeOf<MessageContext>();
  });
  // @ts-expect-error -- the handler must accept what the schema produces.
  broker.subscriber("orders", { schema: z.object({ id: z.string() }) }).handle((order: { id: number }) => order);
});

test("without a schema the annotation is the body type; batches get arrays", () => {
  const broker = new MemoryBroker();
  broker.subscriber("text").handle((message: string) => {
    expectTypeOf(message).toEqualTypeOf<string>();
  });
  broker.subscriber("batch", { batch: { maxSize: 10 }, schema: z.number() }).handle((numbers) => {
    expectTypeOf(numbers).toEqualTypeOf<number[]>();
  });
});

test("decorated methods are checked against the schema too", () => {
  const broker = new MemoryBroker();
  class Handlers {
    @broker.subscriber("typed", { schema: z.object({ id: z.string() }) })
    typed(order: { id: string }) {
      return order.id;
    }
  }
  expectTypeOf(Handlers).toBeConstructibleWith();
});

test("middlewares branded for another broker do not fit", () => {
  const kafkaOnly: Middleware<"kafka"> = { broker: "kafka", publish: (command, next) => next(command) };
  const anywhere: Middleware = { publish: (command, next) => next(command) };
  new MemoryBroker({ middlewares: [anywhere] });
  // @ts-expect-error -- a Kafka middleware on the in-process broker (and at run time, a ConfigurationError).
  expect(() => new MemoryBroker({ middlewares: [kafkaOnly] })).toThrow(/made for the kafka broker/);
});
