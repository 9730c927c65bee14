import type * as JetStreamModule from "@nats-io/jetstream";
import type * as NatsModule from "@nats-io/transport-node";
import { loadPeer } from "../core/index.js";

/** NATS.js, loaded once: without the package, importing `postline/nats` says what to install. */
export const nats = await loadPeer<typeof NatsModule>("@nats-io/transport-node", "postline/nats");

let jetstreamModule: Promise<typeof JetStreamModule> | undefined;

/** JetStream is a separate package, loaded only by brokers that use it (core-only users need not install it). */
export function loadJetStream(): Promise<typeof JetStreamModule> {
  jetstreamModule ??= loadPeer<typeof JetStreamModule>("@nats-io/jetstream", "JetStream in postline/nats");
  return jetstreamModule;
}
