// One App per broker for the AsyncAPI tests, each registering what a document must describe: a functional
// subscriber with a zod schema and its result publisher, a class-style subscriber typed by annotation only,
// a competing-consumer group, a batch subscriber where the broker has batches, a router with a prefix, a
// standalone publisher with a documentation schema, and a handler that answers requests. Nothing connects.
import { z } from "zod";
import { App, silentLogger, type Broker, type Router } from "../../src/index.js";
import { ConfluentBroker, ConfluentRouter } from "../../src/confluent/index.js";
import { KafkaBroker, KafkaRouter } from "../../src/kafka/index.js";
import { MemoryBroker, MemoryRouter } from "../../src/memory/index.js";
import { MqttBroker, MqttRouter } from "../../src/mqtt/index.js";
import { NatsBroker, NatsRouter } from "../../src/nats/index.js";
import { RabbitBroker, RabbitRouter } from "../../src/rabbit/index.js";
import { RedisBroker, RedisRouter } from "../../src/redis/index.js";

export const Order = z.object({
  id: z.string().describe("The order's id"),
  quantity: z.number().int().positive(),
  note: z.string().optional(),
});
export const Confirmation = z.object({ id: z.string(), accepted: z.boolean() });

interface Kit {
  readonly broker: Broker<string>;
  readonly router: Router<string>;
  /** Options of the group subscriber, per broker (a Rabbit queue, a Redis stream, ...). */
  readonly groupOptions: Record<string, unknown>;
  readonly batch: boolean;
}

const kits: Record<string, () => Kit> = {
  memory: () => ({ broker: new MemoryBroker({ logger: silentLogger }), router: new MemoryRouter({ prefix: "billing." }), groupOptions: { group: "workers" }, batch: true }),
  kafka: () => ({ broker: new KafkaBroker({ bootstrapServers: ["127.0.0.1:9092"], logger: silentLogger }), router: new KafkaRouter({ prefix: "billing." }), groupOptions: { group: "workers" }, batch: true }),
  confluent: () => ({ broker: new ConfluentBroker({ bootstrapServers: ["127.0.0.1:9092"], logger: silentLogger }), router: new ConfluentRouter({ prefix: "billing." }), groupOptions: { group: "workers" }, batch: true }),
  rabbit: () => ({ broker: new RabbitBroker({ url: "amqp://guest:guest@127.0.0.1:5672", logger: silentLogger }), router: new RabbitRouter({ prefix: "billing." }), groupOptions: { queue: { durable: true }, exchange: { name: "shop", type: "topic", durable: true }, routingKey: "orders.*" }, batch: false }),
  nats: () => ({ broker: new NatsBroker({ servers: "nats://127.0.0.1:4222", logger: silentLogger }), router: new NatsRouter({ prefix: "billing." }), groupOptions: { group: "workers" }, batch: false }),
  redis: () => ({ broker: new RedisBroker({ url: "redis://127.0.0.1:6379", logger: silentLogger }), router: new RedisRouter({ prefix: "billing." }), groupOptions: { kind: "stream", group: "workers" }, batch: true }),
  mqtt: () => ({ broker: new MqttBroker({ url: "mqtt://127.0.0.1:1883", logger: silentLogger }), router: new MqttRouter({ prefix: "billing/" }), groupOptions: { group: "workers", qos: 1 }, batch: false }),
};

export const brokerKinds = Object.keys(kits);

export function shopApp(kind: string): { app: App; broker: Broker<string> } {
  const { broker, router, groupOptions, batch } = kits[kind]!();
  const confirmations = broker.publisher("confirmations", { schema: Confirmation, description: "One per accepted order" });
  broker
    .subscriber("orders", { schema: Order, publishers: [confirmations], title: "Take orders", description: "Checks an order and confirms it." })
    .handle(function takeOrder(order) {
      return { id: order.id, accepted: order.quantity < 100 };
    });
  broker.subscriber("orders.audit", { ...groupOptions, summary: "Audit trail, shared by the workers" }).handle(function audit(_entry: { id: string }) {});
  if (batch) broker.subscriber("metrics", { batch: { maxSize: 50 }, ...(kind === "redis" ? { kind: "list" } : {}) }).handle(function storeMetrics(_values: number[]) {});
  broker.subscriber("prices", { schema: z.object({ sku: z.string() }), reply: { schema: z.object({ sku: z.string(), cents: z.number().int() }), description: "The current price" } }).handle(function quote(request) {
    return { sku: request.sku, cents: 100 };
  });
  class Shipping {
    @router.subscriber("shipments")
    @router.publisher("delivered")
    ship(shipment: { orderId: string }): { orderId: string } {
      return shipment;
    }
  }
  new Shipping();
  broker.include(router);
  broker.publisher("alerts");
  const app = new App(broker, { title: `Shop on ${kind}`, version: "2.1.0", description: "Orders, prices and shipments.", logger: silentLogger });
  return { app, broker };
}
