// The profile of each broker kind (the transport's `kind`).
import { kafkaProfile } from "./kafka.js";
import { memoryProfile } from "./memory.js";
import { mqttProfile } from "./mqtt.js";
import { natsProfile } from "./nats.js";
import type { BrokerProfile } from "./profile.js";
import { rabbitProfile } from "./rabbit.js";
import { redisProfile } from "./redis.js";

const profiles: Readonly<Record<string, BrokerProfile>> = {
  memory: memoryProfile,
  kafka: kafkaProfile,
  confluent: kafkaProfile,
  rabbit: rabbitProfile,
  nats: natsProfile,
  redis: redisProfile,
  mqtt: mqttProfile,
};

/** The profile for a broker kind; an unknown kind (a third-party adapter) is described like the in-process one. */
export function profileOf(kind: string): BrokerProfile {
  return Object.hasOwn(profiles, kind) ? profiles[kind]! : memoryProfile;
}
