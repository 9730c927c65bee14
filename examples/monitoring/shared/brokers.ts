// The brokers the services can run on (`MONITORING_BROKER`), each with its telemetry middleware. Every service
// process builds one; they meet on the broker, so the in-process `memory` broker is not among them.
import type { Broker } from "postline";
import type { TelemetryOptions } from "postline/opentelemetry";

export interface ServiceBroker {
  readonly broker: Broker<string>;
  /**
   * Subscribe options that make replicas of one service compete for messages (and keep them while the
   * service is down, where the broker can): a queue group, a consumer group, a shared subscription.
   */
  readonly competing: (service: string) => Record<string, unknown>;
}

type Factory = (telemetry: TelemetryOptions) => Promise<ServiceBroker>;

const groups = (service: string): Record<string, unknown> => ({ group: service });

// Adapters are imported lazily, so only the chosen broker's client library has to be installed.
export const brokerFactories = {
  rabbit: async (telemetry) => {
    const { RabbitBroker } = await import("postline/rabbit");
    const { RabbitTelemetryMiddleware } = await import("postline/rabbit/opentelemetry");
    const url = process.env.POSTLINE_RABBIT_URL ?? "amqp://guest:guest@127.0.0.1:5672";
    return { broker: new RabbitBroker({ url, middlewares: [new RabbitTelemetryMiddleware(telemetry)] }), competing: groups };
  },
  kafka: async (telemetry) => {
    const { KafkaBroker } = await import("postline/kafka");
    const { KafkaTelemetryMiddleware } = await import("postline/kafka/opentelemetry");
    const bootstrapServers = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
    return { broker: new KafkaBroker({ bootstrapServers, middlewares: [new KafkaTelemetryMiddleware(telemetry)] }), competing: groups };
  },
  confluent: async (telemetry) => {
    const { ConfluentBroker } = await import("postline/confluent");
    const { KafkaTelemetryMiddleware } = await import("postline/confluent/opentelemetry");
    const bootstrapServers = process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092";
    return { broker: new ConfluentBroker({ bootstrapServers, middlewares: [new KafkaTelemetryMiddleware(telemetry)] }), competing: groups };
  },
  nats: async (telemetry) => {
    const { NatsBroker } = await import("postline/nats");
    const { NatsTelemetryMiddleware } = await import("postline/nats/opentelemetry");
    const servers = process.env.POSTLINE_NATS_URL ?? "127.0.0.1:4222";
    return { broker: new NatsBroker({ servers, middlewares: [new NatsTelemetryMiddleware(telemetry)] }), competing: groups };
  },
  redis: async (telemetry) => {
    const { RedisBroker } = await import("postline/redis");
    const { RedisTelemetryMiddleware } = await import("postline/redis/opentelemetry");
    const url = process.env.POSTLINE_REDIS_URL ?? "redis://127.0.0.1:6379";
    // Streams, not pub/sub: a stream consumer group is Redis's way of sharing work between replicas.
    const broker = new RedisBroker({ url, defaultPublishKind: "stream", middlewares: [new RedisTelemetryMiddleware(telemetry)] });
    return { broker, competing: (service) => ({ kind: "stream", group: service }) };
  },
  mqtt: async (telemetry) => {
    const { MqttBroker } = await import("postline/mqtt");
    const { MqttTelemetryMiddleware } = await import("postline/mqtt/opentelemetry");
    const url = process.env.POSTLINE_MQTT_URL ?? "mqtt://127.0.0.1:1883";
    return { broker: new MqttBroker({ url, middlewares: [new MqttTelemetryMiddleware(telemetry)] }), competing: groups };
  },
} satisfies Record<string, Factory>;

export type BrokerName = keyof typeof brokerFactories;

export const brokerNames = Object.keys(brokerFactories) as BrokerName[];

export function isBrokerName(name: string): name is BrokerName {
  return Object.hasOwn(brokerFactories, name);
}
