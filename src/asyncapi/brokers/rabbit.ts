// RabbitMQ (AMQP 0-9-1) with the AMQP bindings 0.3.0. A Postline destination is a durable topic exchange of
// that name, and its subscribers' queues are bound with a routing key; FastStream-style options name a queue,
// or an exchange whose routing key is the destination.
import { type BrokerProfile, type ChannelShape, defined, envelopeHeaders, hostOf } from "./profile.js";

const BINDING_VERSION = "0.3.0";

interface ExchangeSpec {
  readonly name: string;
  readonly type?: string;
  readonly durable?: boolean;
  readonly autoDelete?: boolean;
}

function exchangeOf(reference: unknown): ExchangeSpec | undefined {
  if (reference === undefined) return undefined;
  if (typeof reference === "string") return { name: reference };
  return reference as ExchangeSpec;
}

function exchangeBinding(exchange: ExchangeSpec): Record<string, unknown> {
  // The default exchange ("") is direct; a named exchange without a declaration must exist, its type unknown.
  return defined({ name: exchange.name === "" ? "amq.default" : exchange.name, type: exchange.type ?? "direct", durable: exchange.durable, autoDelete: exchange.autoDelete, vhost: "/" });
}

function channel(address: string, amqp: Record<string, unknown>, description: string, operation: Record<string, unknown>): ChannelShape {
  return {
    address,
    description,
    bindings: { amqp: { ...amqp, bindingVersion: BINDING_VERSION } },
    operationBindings: { amqp: { ...operation, bindingVersion: BINDING_VERSION } },
  };
}

export const rabbitProfile: BrokerProfile = {
  server(broker) {
    const address = (broker as { address?: unknown }).address;
    const secure = typeof address === "string" && address.startsWith("amqps:");
    return { protocol: secure ? "amqps" : "amqp", protocolVersion: "0.9.1", host: hostOf(broker, secure ? 5671 : 5672) };
  },
  ...envelopeHeaders,
  subscription(destination, options) {
    if (options.queue !== undefined || options.exchange !== undefined) {
      const spec = options.queue === true || options.queue === undefined ? {} : (options.queue as Record<string, unknown>);
      const exchange = exchangeOf(options.exchange);
      const routingKey = typeof options.routingKey === "string" ? options.routingKey : destination;
      const bound = exchange === undefined || exchange.name === "" ? "on the default exchange" : `bound to the exchange "${exchange.name}" with the routing key "${routingKey}"`;
      return channel(
        destination,
        { is: "queue", queue: defined({ name: destination, durable: spec.durable, exclusive: spec.exclusive, autoDelete: spec.autoDelete, vhost: "/" }) },
        `The queue "${destination}", ${bound}.`,
        { ack: true },
      );
    }
    const group = typeof options.group === "string" ? options.group : undefined;
    const routingKey = typeof options.routingKey === "string" ? options.routingKey : "#";
    const queue = group === undefined ? "an exclusive queue of each subscriber" : `the shared queue "${destination}.${group}" (competing consumers)`;
    return channel(
      destination,
      { is: "routingKey", exchange: { name: destination, type: "topic", durable: true, autoDelete: false, vhost: "/" } },
      `The topic exchange "${destination}"; messages matching "${routingKey}" reach ${queue}.`,
      { ack: true },
    );
  },
  publication(destination, options) {
    const persistent = options.persistent === false ? 1 : 2;
    const operation = defined({ deliveryMode: persistent, mandatory: options.mandatory, priority: options.priority, expiration: options.expiration });
    const exchange = exchangeOf(options.exchange);
    if (exchange !== undefined) {
      const where = exchange.name === "" ? "the queue of that name (default exchange)" : `the exchange "${exchange.name}"`;
      return channel(destination, { is: "routingKey", exchange: exchangeBinding(exchange) }, `Routing key "${destination}" on ${where}.`, operation);
    }
    const routingKey = typeof options.routingKey === "string" ? options.routingKey : "";
    return channel(
      destination,
      { is: "routingKey", exchange: { name: destination, type: "topic", durable: true, autoDelete: false, vhost: "/" } },
      `The topic exchange "${destination}"${routingKey === "" ? "" : `, routing key "${routingKey}"`}.`,
      operation,
    );
  },
};
