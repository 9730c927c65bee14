import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { ConfigurationError, NoRespondersError, silentLogger, type MessageContext } from "../../src/core/index.js";
import { RabbitBroker, RabbitConnectionError, UnroutableError, type RabbitRawMessage } from "../../src/rabbit/index.js";
import { RecordingLogger } from "../conformance/harness.js";
import { Collector, sleep, waitFor } from "../conformance/wait.js";
import { RABBIT_URL, cleanupRun, rabbitBroker, rabbitHarness } from "./harness.js";

const exec = promisify(execFile);
afterAll(cleanupRun);

const brokers: RabbitBroker[] = [];
afterAll(() => Promise.all(brokers.map((broker) => broker.close())));
function open(options: Parameters<typeof rabbitBroker>[0] = {}): RabbitBroker {
  const broker = rabbitBroker({ logger: silentLogger, ...options });
  brokers.push(broker);
  return broker;
}
const dest = (label: string): string => rabbitHarness.destination(label);
const raw = (context: MessageContext): RabbitRawMessage => context.message.raw as RabbitRawMessage;

describe("exchanges and queues", () => {
  test("direct, topic, fanout and headers exchanges route to queues bound from subscriber options", async () => {
    const broker = open();
    const [direct, topic, fanout, headers] = (["direct", "topic", "fanout", "headers"] as const).map((type) => ({ name: dest(`ex-${type}`), type, autoDelete: true }));
    const got = new Collector<string>(5_000);
    const queue = { autoDelete: true };
    broker.subscriber(dest("q-direct"), { queue, exchange: direct!, routingKey: "pay" }).handle((body: string) => got.push(`direct:${body}`));
    broker.subscriber(dest("q-topic"), { queue, exchange: topic!, routingKey: "order.#" }).handle((body: string) => got.push(`topic:${body}`));
    broker.subscriber(dest("q-fanout-1"), { queue, exchange: fanout! }).handle((body: string) => got.push(`fanout1:${body}`));
    broker.subscriber(dest("q-fanout-2"), { queue, exchange: fanout! }).handle((body: string) => got.push(`fanout2:${body}`));
    broker.subscriber(dest("q-headers"), { queue, exchange: headers!, bindArguments: { "x-match": "all", region: "eu" } }).handle((body: string) => got.push(`headers:${body}`));
    await broker.start();
    await broker.publish("a", "pay", { exchange: direct! });
    await broker.publish("skipped", "refund", { exchange: direct! });
    await broker.publish("b", "order.eu.created", { exchange: topic! });
    await broker.publish("c", "anything", { exchange: fanout! });
    await broker.publish("d", "ignored", { exchange: headers!, headers: { region: "eu" } });
    await broker.publish("skipped", "ignored", { exchange: headers!, headers: { region: "us" } });
    await got.count(5);
    await sleep(150);
    expect([...got.items].sort()).toEqual(["direct:a", "fanout1:c", "fanout2:c", "headers:d", "topic:b"]);
  });

  test("the default exchange reaches the queue named by the routing key (FastStream's model)", async () => {
    const broker = open();
    const queue = dest("default-q");
    const got = new Collector<MessageContext>(5_000);
    broker.subscriber(queue, { queue: { durable: false, autoDelete: true } }).handle((_body: unknown, context) => got.push(context));
    await broker.start();
    await broker.publish({ n: 1 }, queue, { exchange: "" });
    const context = await got.first();
    expect(context.message.destination).toBe(queue);
    expect(raw(context).message.fields.exchange).toBe("");
    expect(raw(context).message.fields.routingKey).toBe(queue);
  });

  test("queue arguments: a message TTL dead-letters expired messages to the dead-letter destination", async () => {
    const broker = open();
    const queue = dest("ttl-q");
    const deadLetters = dest("ttl-dlx");
    const dead = new Collector<MessageContext>(5_000);
    broker.subscriber(deadLetters).handle((_body: unknown, context) => dead.push(context));
    await broker.start();
    // Declared by a subscriber that is stopped at once: nobody consumes, so the message expires.
    const holder = open();
    const subscriber = holder.subscriber(queue, { queue: { autoDelete: false, arguments: { "x-message-ttl": 50, "x-expires": 60_000 } }, deadLetter: deadLetters }).handle(() => undefined);
    await holder.start();
    await subscriber.stop();
    await broker.publish("short-lived", queue, { exchange: "" });
    const context = await dead.first();
    expect(context.headers["x-first-death-reason"]).toBe("expired");
    expect(context.headers["x-first-death-queue"]).toBe(queue);
  });

  test("prefetch bounds the unacknowledged messages handed to a subscriber", async () => {
    const broker = open();
    const destination = dest("prefetch");
    const seen = new Collector<number>(5_000);
    broker.subscriber(destination, { prefetch: 2, concurrency: 10, ackPolicy: "manual" }).handle((n: number) => seen.push(n));
    await broker.start();
    for (const n of [1, 2, 3, 4, 5]) await broker.publish(n, destination);
    await seen.count(2);
    await sleep(200);
    expect(seen.items).toEqual([1, 2]);
  });

  test("a nack without requeue dead-letters with reason `rejected`", async () => {
    const broker = open();
    const destination = dest("nack-dl");
    const deadLetters = dest("nack-dl-target");
    const dead = new Collector<MessageContext>(5_000);
    broker.subscriber(destination, { deadLetter: deadLetters }).handle(async (_body: unknown, context) => context.nack({ requeue: false }));
    broker.subscriber(deadLetters).handle((_body: unknown, context) => dead.push(context));
    await broker.start();
    await broker.publish("no", destination);
    const context = await dead.first();
    expect(context.headers["x-first-death-reason"]).toBe("rejected");
    expect(context.headers["x-first-death-exchange"]).toBe(destination);
    expect(JSON.parse(context.headers["x-death"]!)).toHaveLength(1);
  });
});

describe("publishing", () => {
  test("message properties: ids, content type, headers, priority, expiration and persistence reach the consumer", async () => {
    const broker = open();
    const destination = dest("props");
    const got = new Collector<MessageContext>(5_000);
    broker.subscriber(destination).handle((_body: unknown, context) => got.push(context));
    await broker.start();
    await broker.publish({ a: 1 }, destination, { messageId: "m-1", correlationId: "c-1", headers: { tenant: "acme" }, priority: 5, expiration: 60_000 });
    const context = await got.first();
    const { properties } = raw(context).message;
    expect([context.message.messageId, context.correlationId, context.message.contentType, context.headers.tenant]).toEqual(["m-1", "c-1", "application/json", "acme"]);
    expect([properties.priority, properties.expiration, properties.deliveryMode]).toEqual([5, "60000", 2]);
    expect(typeof properties.timestamp).toBe("number");
  });

  test("publisher confirms: mandatory unroutable messages and unknown exchanges reject, and publishing goes on", async () => {
    const broker = open();
    await broker.connect();
    const nowhere = { name: dest("empty-ex"), type: "direct" as const, autoDelete: false };
    await expect(broker.publish("x", "key", { exchange: nowhere, mandatory: true })).rejects.toBeInstanceOf(UnroutableError);
    // Without `mandatory` an unroutable message is confirmed and dropped, as RabbitMQ does.
    await expect(broker.publish("x", "key", { exchange: nowhere })).resolves.toBeUndefined();
    await expect(broker.publish("x", "key", { exchange: `${dest("missing")}` })).rejects.toThrow(/NOT_FOUND|404/);
    const destination = dest("after-errors");
    const got = new Collector<string>(5_000);
    broker.subscriber(destination).handle((body: string) => got.push(body));
    await broker.start();
    await broker.publish("still works", destination);
    expect(await got.first()).toBe("still works");
  });
});

describe("request/reply over direct reply-to", () => {
  test("the reply arrives through amq.rabbitmq.reply-to; a FastStream-style queue answers too", async () => {
    const service = open();
    const client = open();
    const queue = dest("rpc-queue");
    service.subscriber(queue, { queue: { autoDelete: true } }).handle((n: number) => n + 1);
    await service.start();
    await client.start();
    const reply = await client.request<number>(41, queue, { exchange: "", timeoutMs: 5_000 });
    expect(reply.body).toBe(42);
    expect((reply.message.raw as RabbitRawMessage).message.fields.routingKey).toMatch(/^amq\.rabbitmq\.reply-to\./);
    await expect(client.request(1, dest("rpc-nobody"), { exchange: "", timeoutMs: 2_000 })).rejects.toBeInstanceOf(NoRespondersError);
  });
});

describe("connection", () => {
  test("an unreachable server fails start() with an error naming RabbitMQ and the address", async () => {
    const broker = new RabbitBroker({ url: "amqp://guest:guest@127.0.0.1:1", logger: silentLogger });
    const error = await broker.start().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RabbitConnectionError);
    expect((error as Error).message).toMatch(/RabbitMQ at amqp:\/\/127\.0\.0\.1:1/);
    await broker.close();
  });

  test("after the server closes the connection, the broker reconnects and its subscriptions receive again", async () => {
    const name = `postline-reconnect-${randomUUID()}`;
    const logger = new RecordingLogger();
    const broker = open({ connectionName: name, logger, reconnect: { initialDelayMs: 50, maxDelayMs: 500 } });
    const producer = open();
    const destination = dest("reconnect");
    const group = dest("reconnect-group");
    const got = new Collector<string>(10_000);
    broker.subscriber(destination).handle((body: string) => got.push(`anon:${body}`));
    broker.subscriber(destination, { group, queueArguments: { "x-expires": 60_000 } }).handle((body: string) => got.push(`group:${body}`));
    await broker.start();
    await producer.start();
    await producer.publish("before", destination);
    await got.count(2);
    const { stdout } = await exec("rabbitmqctl", ["-q", "list_connections", "pid", "client_properties"]);
    const pid = stdout.split("\n").find((line) => line.includes(name))?.split("\t")[0];
    expect(pid).toBeDefined();
    await exec("rabbitmqctl", ["-q", "close_connection", pid!, "postline reconnect test"]);
    await waitFor(() => logger.entries.some((entry) => entry.message === "reconnected to RabbitMQ"), 10_000, "the broker to reconnect");
    expect(logger.entries.some((entry) => entry.level === "warn" && entry.message.startsWith("lost the RabbitMQ connection"))).toBe(true);
    // While the subscriber is away its group queue keeps what is published (its anonymous queue is gone).
    await producer.publish("during", destination);
    await waitFor(() => got.items.includes("group:during"), 10_000, "the group queue to be consumed again");
    await sleep(200);
    await producer.publish("after", destination);
    await waitFor(() => got.items.includes("anon:after") && got.items.includes("group:after"), 10_000, "both subscriptions to receive again");
    expect(broker.connected).toBe(true);
  }, 30_000);
});

/**
 * Makes RabbitMQ close the consumer channels (those with a consumer) of the connection named `name`, as it does
 * when a client acknowledges an unknown delivery tag: the channel gets PRECONDITION_FAILED, the connection stays.
 */
async function failConsumerChannels(name: string): Promise<number> {
  const expression = [
    `Name = <<"${name}">>,`,
    "Channels = [Ch || Ch <- rabbit_channel:list(),",
    "  [{connection, Conn}, {consumer_count, Count}] <- [rabbit_channel:info(Ch, [connection, consumer_count])], Count > 0,",
    "  [{client_properties, Props}] <- [rabbit_reader:info(Conn, [client_properties])],",
    "  lists:keyfind(<<\"connection_name\">>, 1, Props) =:= {<<\"connection_name\">>, longstr, Name}],",
    "[rabbit_channel:do(Ch, {'basic.ack', 987654321, false}) || Ch <- Channels],",
    "length(Channels).",
  ].join(" ");
  const { stdout } = await exec("rabbitmqctl", ["eval", expression], { timeout: 30_000 });
  return Number(stdout.trim());
}

describe("a consumer channel closed by the server alone", () => {
  test("is reopened: the subscriber receives again, and the message it held comes back", async () => {
    const name = `postline-channel-${randomUUID()}`;
    const logger = new RecordingLogger();
    const broker = open({ connectionName: name, logger });
    const producer = open();
    const destination = dest("channel-reopen");
    const got = new Collector<string>(10_000);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    broker.subscriber(destination, { group: dest("channel-reopen-group"), queueArguments: { "x-expires": 60_000 } }).handle(async (body: string, context) => {
      got.push(`${body}#${context.message.deliveryCount}`);
      if (body === "held" && context.message.deliveryCount === 1) await held;
    });
    await broker.start();
    await producer.start();
    await producer.publish("held", destination);
    await waitFor(() => got.items.includes("held#1"), 10_000, "the first delivery");
    expect(await failConsumerChannels(name)).toBe(1);
    await waitFor(() => logger.entries.some((entry) => entry.level === "warn" && entry.message.startsWith("RabbitMQ closed the channel of subscriber")), 10_000, "the channel to be reopened");
    // The handler finishes; its ack cannot go out on the closed channel, but the server requeued what that
    // channel held: the message arrives again on the new one (after the first delivery left the handler).
    release();
    await waitFor(() => got.items.includes("held#2"), 10_000, "the held message to come back");
    await producer.publish("after", destination);
    await waitFor(() => got.items.includes("after#1"), 10_000, "a message published after the reopen");
    // Only the channel was replaced: the connection never dropped.
    expect(logger.entries.some((entry) => entry.message.startsWith("lost the RabbitMQ connection"))).toBe(false);
    expect(broker.connected).toBe(true);
  }, 30_000);
});

describe("a queue the server refuses", () => {
  test("fails start() naming the subscriber, and nothing keeps retrying it in the background", async () => {
    const logger = new RecordingLogger();
    const queue = dest("refused-q");
    // The queue exists with one TTL; the subscriber declares it with another: RabbitMQ refuses (PRECONDITION_FAILED).
    const setup = open();
    setup.subscriber(queue, { queue: { durable: false, autoDelete: false, arguments: { "x-message-ttl": 1_000 } } }).handle(() => undefined);
    await setup.start();
    await setup.close();
    const broker = open({ logger });
    broker.subscriber(queue, { queue: { durable: false, autoDelete: false, arguments: { "x-message-ttl": 2_000 } } }).handle(() => undefined);
    await expect(broker.start()).rejects.toThrow(/could not set up queue/);
    await sleep(800);
    expect(logger.entries.filter((entry) => /reopen/.test(entry.message))).toEqual([]);
    await broker.close();
  });
});

describe("options are checked when registered", () => {
  test("group with a queue, a bad exchange type and a zero prefetch are ConfigurationErrors", () => {
    const broker = open();
    expect(() => broker.subscriber("q", { queue: true, group: "g" } as never)).toThrow(ConfigurationError);
    expect(() => broker.subscriber("q", { queue: true, exchange: { name: "x", type: "weird" as never } })).toThrow(ConfigurationError);
    expect(() => broker.subscriber("q", { prefetch: 0 })).toThrow(ConfigurationError);
    expect(() => new RabbitBroker({ url: RABBIT_URL, prefetch: -1 })).toThrow(ConfigurationError);
  });
});

describe("redelivery limits", () => {
  test("maxDeliveries also stops a message without a message id (as other AMQP clients send) from looping", async () => {
    const broker = open();
    const queue = dest("no-id");
    const deliveries = new Collector<number>(5_000);
    broker.subscriber(queue, { queue: { autoDelete: true }, ackPolicy: "nack-on-error", maxDeliveries: 3 }).handle((_body, context) => {
      deliveries.push(context.message.deliveryCount);
      throw new Error("always fails");
    });
    await broker.start();
    // amqp-publish sets no message id: the consumer cannot count requeues by id.
    await exec("amqp-publish", ["--url", RABBIT_URL, "-e", "", "-r", queue, "-C", "application/json", "-b", '{"n":1}']);
    expect(await deliveries.count(3)).toEqual([1, 2, 3]);
    await sleep(300);
    expect(deliveries.items).toEqual([1, 2, 3]);
  });
});
