import { ConfigurationError, validateMaxPending } from "../core/index.js";
import { validateConsumerOptions } from "./jetstream.js";
import type { NatsSubscribeOptions } from "./options.js";

/** A subject as NATS reads it: dot-separated tokens, `*` a whole token, `>` only the last one. */
export function validateSubject(where: string, subject: string): void {
  const tokens = subject.split(".");
  const valid = !/\s/.test(subject) && tokens.every((token, index) => token !== "" && (token !== ">" || index === tokens.length - 1) && (!/[*>]/.test(token) || token.length === 1));
  if (!valid) throw new ConfigurationError(`${where}: "${subject}" is not a NATS subject (dot-separated tokens; "*" a whole token, ">" the last one)`);
}

/**
 * Subscriber options, checked when the subscriber is registered (the core's SubscriptionCheck), so a mistake
 * fails where it is written rather than at `start()`. The subject is checked again, whole, with the prefixes
 * of the routers it ends up in, when it subscribes.
 */
export function validateSubscribeOptions(destination: string, options: Record<string, unknown>): void {
  const where = `subscriber of "${destination}"`;
  validateSubject(where, destination);
  const { group, jetstream, maxPending } = options as NatsSubscribeOptions & { readonly maxPending?: unknown };
  if (group !== undefined && !(typeof group === "string" && /^[^\s*>]+$/.test(group))) {
    throw new ConfigurationError(`${where}: group must be a non-empty name without spaces or wildcards`);
  }
  if (jetstream === undefined) {
    validateMaxPending(where, maxPending);
    return;
  }
  if (maxPending !== undefined) {
    throw new ConfigurationError(`${where}: maxPending is for core subscriptions; a JetStream subscriber pulls only what it can handle (jetstream.prefetch)`);
  }
  validateConsumerOptions(where, jetstream, group);
}
