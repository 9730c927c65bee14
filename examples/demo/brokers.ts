// The brokers the demo can run on, by `--broker` name. Each later broker adds one entry here.
import type { Broker } from "postline";
import type { TelemetryOptions } from "postline/opentelemetry";

/** Builds a broker with its telemetry middleware attached. */
export type BrokerFactory = (telemetry: TelemetryOptions) => Promise<Broker<string>>;

// Factories import their adapter lazily, so a broker's client library is loaded only when it is chosen.
export const brokerFactories = {
  confluent: async (telemetry) => {
    const { ConfluentBroker } = await import("postline/confluent");
    const { KafkaTelemetryMiddleware } = await import("postline/confluent/opentelemetry");
    return new ConfluentBroker({ bootstrapServers: process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092", middlewares: [new KafkaTelemetryMiddleware(telemetry)] });
  },
  kafka: async (telemetry) => {
    const { KafkaBroker } = await import("postline/kafka");
    const { KafkaTelemetryMiddleware } = await import("postline/kafka/opentelemetry");
    return new KafkaBroker({ bootstrapServers: process.env.POSTLINE_KAFKA_BOOTSTRAP ?? "127.0.0.1:9092", middlewares: [new KafkaTelemetryMiddleware(telemetry)] });
  },
  memory: async (telemetry) => {
    const { MemoryBroker } = await import("postline/memory");
    const { MemoryTelemetryMiddleware } = await import("postline/memory/opentelemetry");
    return new MemoryBroker({ middlewares: [new MemoryTelemetryMiddleware(telemetry)] });
  },
  mqtt: async (telemetry) => {
    const { MqttBroker } = await import("postline/mqtt");
    const { MqttTelemetryMiddleware } = await import("postline/mqtt/opentelemetry");
    return new MqttBroker({ url: process.env.POSTLINE_MQTT_URL ?? "mqtt://127.0.0.1:1883", middlewares: [new MqttTelemetryMiddleware(telemetry)] });
  },
  nats: async (telemetry) => {
    const { NatsBroker } = await import("postline/nats");
    const { NatsTelemetryMiddleware } = await import("postline/nats/opentelemetry");
    return new NatsBroker({ servers: process.env.POSTLINE_NATS_URL ?? "127.0.0.1:4222", middlewares: [new NatsTelemetryMiddleware(telemetry)] });
  },
  rabbit: async (telemetry) => {
    const { RabbitBroker } = await import("postline/rabbit");
    const { RabbitTelemetryMiddleware } = await import("postline/rabbit/opentelemetry");
    return new RabbitBroker({ url: process.env.POSTLINE_RABBIT_URL ?? "amqp://guest:guest@127.0.0.1:5672", middlewares: [new RabbitTelemetryMiddleware(telemetry)] });
  },
  redis: async (telemetry) => {
    const { RedisBroker } = await import("postline/redis");
    const { RedisTelemetryMiddleware } = await import("postline/redis/opentelemetry");
    return new RedisBroker({ url: process.env.POSTLINE_REDIS_URL ?? "redis://127.0.0.1:6379", middlewares: [new RedisTelemetryMiddleware(telemetry)] });
  },
} satisfies Record<string, BrokerFactory>;

export type BrokerName = keyof typeof brokerFactories;

export const brokerNames = Object.keys(brokerFactories) as BrokerName[];

export function isBrokerName(name: string): name is BrokerName {
  return Object.hasOwn(brokerFactories, name);
}
