import { describe, expect, expectTypeOf } from "vitest";
import { z } from "zod";
import { DecodeError, ValidationError, type Codec, type Middleware, type Settlement } from "../../src/core/index.js";
import { conformance, type BrokerHarness } from "./harness.js";
import { waitFor } from "./wait.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A publish middleware that replaces what is on the wire, to send what a well-behaved publisher never would. */
function rewrite(change: { body?: string; contentType?: string | undefined }): Middleware {
  return {
    publish(command, next) {
      for (const message of command.messages) {
        if (change.body !== undefined) message.body = encoder.encode(change.body);
        if ("contentType" in change) message.contentType = change.contentType;
      }
      return next(command);
    },
  };
}

/** `key=value;key=value` for flat string records: a content type no built-in codec knows. */
const keyValueCodec: Codec = {
  contentType: "application/x-key-value",
  accepts: (type) => type === "application/x-key-value",
  encode: (value) =>
    encoder.encode(
      Object.entries(value as Record<string, string>)
        .map(([key, item]) => `${key}=${item}`)
        .join(";"),
    ),
  decode: (bytes) => Object.fromEntries(decoder.decode(bytes).split(";").map((pair) => pair.split("=") as [string, string])),
};

/** JSON that keeps bigints (as `{"$bigint":"…"}`): a user codec taking over a built-in content type. */
const bigintJsonCodec: Codec = {
  contentType: "application/json",
  accepts: (type) => type === "application/json",
  encode: (value) => encoder.encode(JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? { $bigint: item.toString() } : item))),
  decode: (bytes): unknown =>
    JSON.parse(decoder.decode(bytes), (_key, item: unknown) =>
      typeof item === "object" && item !== null && "$bigint" in item ? BigInt((item as { $bigint: string }).$bigint) : item,
    ),
};

export function describeCodecsAndValidation(harness: BrokerHarness): void {
  describe("codecs and validation", () => {
    const it = conformance(harness, "codecs");

    it("a zod schema validates and types the body, and the handler gets the schema's output", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("zod");
      const schema = z.object({ id: z.string(), at: z.iso.datetime().transform((text) => new Date(text)) });
      const got = kit.collector<{ id: string; at: Date }>();
      broker.subscriber(destination, { ...kit.sub(), schema }).handle((body) => {
        expectTypeOf(body).toEqualTypeOf<{ id: string; at: Date }>();
        got.push(body);
      });
      await kit.start(broker);
      await broker.publish({ id: "o-1", at: "2024-05-01T10:00:00Z", extra: "stripped" }, destination);
      const body = await got.first();
      expect(body.at).toBeInstanceOf(Date);
      expect(body.at.toISOString()).toBe("2024-05-01T10:00:00.000Z");
      expect(body).toEqual({ id: "o-1", at: new Date("2024-05-01T10:00:00Z") });
    });

    it("an async schema is awaited", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("zod-async");
      const schema = z.string().refine(async (text) => {
        await Promise.resolve();
        return text.startsWith("ok");
      });
      const got = kit.collector<string>();
      broker.subscriber(destination, { ...kit.sub(), schema }).handle((body) => {
        got.push(body);
      });
      await kit.start(broker);
      await broker.publish("not ok", destination);
      await broker.publish("ok then", destination);
      expect(await got.first()).toBe("ok then");
      await kit.quiet();
      expect(got.items).toEqual(["ok then"]);
      expect(kit.logger.problems(ValidationError)).toHaveLength(1);
    });

    it("an invalid body is logged as a ValidationError, rejected, and the consumer keeps running", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("invalid");
      const settled: (Settlement | undefined)[] = [];
      const watch: Middleware = {
        async consume(context, next) {
          context.onSettled((settlement) => settled.push(settlement));
          await next();
        },
      };
      const got = kit.collector<{ qty: number }>();
      broker.subscriber(destination, { ...kit.sub(), name: "qty-reader", schema: z.object({ qty: z.number().int() }), middlewares: [watch] }).handle((body) => {
        got.push(body);
      });
      await kit.start(broker);
      await broker.publish({ qty: "three" }, destination);
      await broker.publish({ qty: 3 }, destination);
      expect(await got.first()).toEqual({ qty: 3 });
      await kit.quiet();
      expect(got.items).toHaveLength(1);
      expect(settled).toEqual([{ kind: "reject" }, { kind: "ack" }]);
      const [logged] = kit.logger.problems(ValidationError);
      const error = logged?.fields?.error as ValidationError;
      expect(error.subscriber).toBe("qty-reader");
      expect(error.issues[0]?.path).toEqual(["qty"]);
      expect(kit.logger.problems(ValidationError)).toHaveLength(1);
    });

    it("malformed JSON under application/json is a DecodeError, logged and rejected; the consumer keeps running", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("malformed");
      const got = kit.collector<unknown>();
      const settled: (Settlement | undefined)[] = [];
      const watch: Middleware = {
        async consume(context, next) {
          context.onSettled((settlement) => settled.push(settlement));
          await next();
        },
      };
      broker.subscriber(destination, { ...kit.sub(), middlewares: [watch] }).handle((body: unknown) => {
        got.push(body);
      });
      const corrupt = broker.publisher(destination, { middlewares: [rewrite({ body: '{"unterminated": ' })] });
      await kit.start(broker);
      await corrupt.publish({ fine: "before the middleware" });
      await broker.publish({ fine: true }, destination);
      expect(await got.first()).toEqual({ fine: true });
      await kit.quiet();
      expect(got.items).toHaveLength(1);
      expect(settled).toEqual([{ kind: "reject" }, { kind: "ack" }]);
      const logged = kit.logger.problems(DecodeError);
      expect(logged).toHaveLength(1);
      expect((logged[0]?.fields?.error as DecodeError).contentType).toBe("application/json");
    });

    it("a body without a content type is read as JSON when it parses, and handed over as bytes otherwise", async (kit) => {
      const broker = kit.broker();
      const destination = kit.dest("untyped");
      const got = kit.listen(broker, destination);
      const untyped = broker.publisher(destination, { middlewares: [rewrite({ contentType: undefined })] });
      await kit.start(broker);
      await untyped.publish({ parsed: true });
      await untyped.publish("plain words");
      const [json, text] = await got.count(2);
      expect(json?.body).toEqual({ parsed: true });
      expect(json?.context.message.contentType).toBeUndefined();
      expect(text?.body).toBeInstanceOf(Uint8Array);
      expect(decoder.decode(text?.body as Uint8Array)).toBe("plain words");
    });

    it("a custom codec from the broker's codecs option encodes and decodes its content type", async (kit) => {
      const broker = kit.broker({ codecs: [keyValueCodec] });
      const destination = kit.dest("codec");
      const got = kit.listen(broker, destination);
      await kit.start(broker);
      await broker.publish({ a: "1", b: "two" }, destination, { contentType: "application/x-key-value; charset=utf-8" });
      const { body, context } = await got.first();
      expect(body).toEqual({ a: "1", b: "two" });
      expect(decoder.decode(context.message.body)).toBe("a=1;b=two");
      expect(context.message.contentType).toBe("application/x-key-value; charset=utf-8");
    });

    it("a codec registered for application/json takes over encoding and decoding of objects", async (kit) => {
      const broker = kit.broker({ codecs: [bigintJsonCodec] });
      const destination = kit.dest("codec-json");
      const got = kit.listen<{ big: bigint }>(broker, destination);
      await kit.start(broker);
      const big = 2n ** 70n;
      await broker.publish({ big }, destination, { contentType: "application/json" });
      expect((await got.first()).body.big).toBe(big);
      // Without a named content type an object is still JSON, and JSON is now the user's codec.
      await broker.publish({ big }, destination);
      expect((await got.count(2))[1]?.body.big).toBe(big);
    });

    it(
      "a schema validates each body of a batch, and types the handler's array",
      async (kit) => {
        const broker = kit.broker();
        const destination = kit.dest("batch-schema");
        const got = kit.collector<number[]>();
        broker.subscriber(destination, { ...kit.sub(), schema: z.coerce.number(), batch: { maxSize: 2, maxWaitMs: 20 } }).handle((bodies) => {
          expectTypeOf(bodies).toEqualTypeOf<number[]>();
          got.push(bodies);
        });
        await kit.start(broker);
        await broker.publish("1", destination);
        await broker.publish("2", destination);
        await waitFor(() => got.items.flat().length >= 2, kit.timeoutMs, "two validated bodies");
        // z.coerce turned the strings into numbers: the handler got the schema's output, item by item.
        expect(got.items.flat()).toEqual([1, 2]);
      },
      { needs: ["batchConsume"] },
    );
  });
}
