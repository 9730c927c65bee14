// The AsyncAPI document of an App on every broker, validated by @asyncapi/parser (no errors, no warnings; the
// only hint allowed is that AsyncAPI 3.1 exists), and what it says: servers, channels with bindings, receive,
// send and reply operations, JSON Schema payloads from the zod schemas, permissive ones for annotations.
import { Parser, type Diagnostic } from "@asyncapi/parser";
import { parse as parseYaml } from "yaml";
import { describe, expect, test } from "vitest";
import { asyncApiDocument, toYaml, type AsyncApiDocument } from "../../src/asyncapi/index.js";
import { MemoryBroker } from "../../src/memory/index.js";
import { brokerKinds, shopApp } from "./apps.js";

const parser = new Parser();

function worthAttention(diagnostics: readonly Diagnostic[]): string[] {
  // Severity 0 is an error, 1 a warning; 2 (information) and 3 (hint) are not. The one information we get
  // says that 3.1.0 exists; the document is 3.0.0 on purpose.
  return diagnostics.filter((diagnostic) => Number(diagnostic.severity) < 2 || diagnostic.code !== "asyncapi-latest-version").map((diagnostic) => `${diagnostic.code}: ${diagnostic.message} at ${diagnostic.path.join("/")}`);
}

const expectedServers: Record<string, { protocol: string; host: string; protocolVersion?: string } | undefined> = {
  memory: undefined,
  kafka: { protocol: "kafka", host: "127.0.0.1:9092" },
  confluent: { protocol: "kafka", host: "127.0.0.1:9092" },
  rabbit: { protocol: "amqp", host: "127.0.0.1:5672", protocolVersion: "0.9.1" },
  nats: { protocol: "nats", host: "127.0.0.1:4222" },
  redis: { protocol: "redis", host: "127.0.0.1:6379" },
  mqtt: { protocol: "mqtt", host: "127.0.0.1:1883", protocolVersion: "5" },
};

describe.each(brokerKinds)("the AsyncAPI document of an App on %s", (kind) => {
  const document: AsyncApiDocument = asyncApiDocument(shopApp(kind).app);

  test("is valid AsyncAPI 3.0 with nothing worth a user's attention", async () => {
    const { document: parsed, diagnostics } = await parser.parse(JSON.stringify(document));
    expect(worthAttention(diagnostics)).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed!.version()).toBe("3.0.0");
    expect(parsed!.operations().length).toBe(Object.keys(document.operations).length);
    // The YAML form is the same document.
    expect(parseYaml(toYaml(document))).toEqual(JSON.parse(JSON.stringify(document)));
    const fromYaml = await parser.parse(toYaml(document));
    expect(worthAttention(fromYaml.diagnostics)).toEqual([]);
  });

  test("has the App's title, the broker's server, and a channel per destination", () => {
    expect(document.info).toEqual({ title: `Shop on ${kind}`, version: "2.1.0", description: "Orders, prices and shipments." });
    const server = expectedServers[kind];
    if (server === undefined) expect(document.servers).toBeUndefined();
    else expect(Object.values(document.servers ?? {})).toEqual([expect.objectContaining(server)]);
    const separator = kind === "mqtt" ? "/" : ".";
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    for (const address of ["orders", "orders.audit", "prices", "confirmations", "alerts", `billing${separator}shipments`, `billing${separator}delivered`]) expect(addresses).toContain(address);
    expect(addresses).toContain(null); // the reply channel of `quote`
  });

  test("receives with the subscriber's schema, sends what the publisher says, replies to requests", () => {
    const operations = document.operations;
    expect(operations.takeOrder).toMatchObject({ action: "receive", title: "Take orders", description: "Checks an order and confirms it." });
    const messageOf = (operationId: string): Record<string, unknown> => {
      const [, channelId, messageId] = /^#\/channels\/(.+)\/messages\/(.+)$/.exec(operations[operationId]!.messages[0]!.$ref)!;
      expect(document.channels[channelId!]!.messages[messageId!]).toEqual({ $ref: `#/components/messages/${messageId}` });
      return document.components.messages[messageId!] as unknown as Record<string, unknown>;
    };
    expect(messageOf("takeOrder")).toMatchObject({
      payload: {
        type: "object",
        properties: { id: { type: "string", description: "The order's id" }, quantity: { type: "integer", exclusiveMinimum: 0 }, note: { type: "string" } },
        required: ["id", "quantity"],
      },
      correlationId: { location: kind === "mqtt" ? "$message.header#/correlationData" : "$message.header#/correlation_id" },
    });
    // An annotation-only handler: anything goes, and the document says why.
    expect(messageOf("Shipping.ship").payload).toEqual({ description: expect.stringContaining("TypeScript annotation only") });
    expect(operations["send.confirmations"]).toMatchObject({ action: "send", description: "One per accepted order" });
    expect(messageOf("send.confirmations").payload).toMatchObject({ properties: { accepted: { type: "boolean" } } });
    expect(messageOf(`send.billing${kind === "mqtt" ? "/" : "."}delivered`.replace("/", "_")).payload).toEqual({ description: 'The return value of "Shipping.ship".' });
    expect(operations.quote!.reply).toMatchObject({ address: { location: expect.stringMatching(/^\$message\.header#\//) } });
    const replyChannel = operations.quote!.reply!.channel.$ref.slice("#/channels/".length);
    expect(document.channels[replyChannel]!.address).toBeNull();
    expect(operations.audit!.summary).toBe("Audit trail, shared by the workers");
  });
});

test("RabbitMQ channels carry AMQP bindings: a Postline destination is a topic exchange, a queue option a queue", () => {
  const document = asyncApiDocument(shopApp("rabbit").app);
  expect(document.channels.orders!.bindings).toEqual({
    amqp: { is: "routingKey", exchange: { name: "orders", type: "topic", durable: true, autoDelete: false, vhost: "/" }, bindingVersion: "0.3.0" },
  });
  expect(document.channels["orders.audit"]!.bindings).toEqual({ amqp: { is: "queue", queue: { name: "orders.audit", durable: true, vhost: "/" }, bindingVersion: "0.3.0" } });
  expect(document.channels["orders.audit"]!.description).toBe('The queue "orders.audit", bound to the exchange "shop" with the routing key "orders.*".');
  expect(document.operations["send.alerts"]!.bindings).toEqual({ amqp: { deliveryMode: 2, bindingVersion: "0.3.0" } });
});

test("consumer groups appear in the operation bindings (Kafka group id, NATS queue, MQTT shared subscription)", () => {
  expect(asyncApiDocument(shopApp("kafka").app).operations.audit!.bindings).toEqual({ kafka: { groupId: { type: "string", enum: ["workers"] }, bindingVersion: "0.5.0" } });
  expect(asyncApiDocument(shopApp("nats").app).operations.audit!.bindings).toEqual({ nats: { queue: "workers", bindingVersion: "0.1.0" } });
  expect(asyncApiDocument(shopApp("mqtt").app).channels["orders.audit"]!.description).toContain("$share/workers/orders.audit");
  expect(asyncApiDocument(shopApp("redis").app).channels["orders.audit"]!.description).toBe('The Redis stream "orders.audit", read by the consumer group "workers".');
});

test("documentation options stay out of what reaches the broker", () => {
  const { broker } = shopApp("memory");
  const confirmations = broker.publishers().find((publisher) => publisher.destination === "confirmations")!;
  expect(confirmations.options).toEqual({});
});

test("a broker alone is documented too; anything else is refused with a reason", () => {
  const broker = new MemoryBroker();
  broker.subscriber("jobs").handle(function work(_job: unknown) {});
  expect(asyncApiDocument(broker, { title: "Jobs" })).toMatchObject({ info: { title: "Jobs", version: "1.0.0" }, operations: { work: { action: "receive" } } });
  expect(() => asyncApiDocument({})).toThrow(/expected a Postline App or broker/);
});
