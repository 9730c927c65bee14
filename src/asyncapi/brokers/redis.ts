// Redis: a channel is a pub/sub channel (or pattern), a list or a stream. AsyncAPI's Redis bindings define
// no fields yet, so the kind is said in the channel's description.
import { type BrokerProfile, envelopeHeaders, serverAt } from "./profile.js";

function described(destination: string, kind: unknown, pattern: unknown, group: unknown): string {
  if (kind === "list") return `The Redis list "${destination}": each message goes to one consumer.`;
  if (kind === "stream") {
    return typeof group === "string" ? `The Redis stream "${destination}", read by the consumer group "${group}".` : `The Redis stream "${destination}".`;
  }
  return pattern === true ? `Redis pub/sub channels matching "${destination}".` : `The Redis pub/sub channel "${destination}".`;
}

export const redisProfile: BrokerProfile = {
  server: serverAt("redis", 6379),
  ...envelopeHeaders,
  subscription(destination, options) {
    return { address: destination, description: described(destination, options.kind, options.pattern, options.group) };
  },
  publication(destination, options) {
    return { address: destination, description: described(destination, options.kind, undefined, undefined) };
  },
};
