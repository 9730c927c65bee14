import { Broker, ConfigurationError, Router, type Logger, type RouterOptions } from "../core/index.js";
import type { MemoryEnvelope } from "./envelope.js";
import { MemoryHub } from "./hub.js";
import type { MemoryBrokerOptions, MemoryPublishOptions, MemorySubscribeOptions } from "./options.js";
import { MemoryTransport } from "./transport.js";

/**
 * The in-process broker: real destinations, consumer groups, acks and redelivery, request/reply and
 * backpressure, without a network. The demo's default broker and the engine of `postline/testing`.
 */
export class MemoryBroker extends Broker<"memory", MemorySubscribeOptions, MemoryPublishOptions> {
  readonly hub: MemoryHub;

  constructor(options: MemoryBrokerOptions = {}) {
    const hub = options.hub ?? new MemoryHub(options.bufferSize === undefined ? {} : { bufferSize: options.bufferSize });
    if (options.maxMessageBytes !== undefined && !(Number.isInteger(options.maxMessageBytes) && options.maxMessageBytes > 0)) {
      throw new ConfigurationError(`maxMessageBytes must be a positive whole number, got ${String(options.maxMessageBytes)}`);
    }
    if (options.bufferSize !== undefined && !(Number.isInteger(options.bufferSize) && options.bufferSize > 0)) {
      throw new ConfigurationError(`bufferSize must be a positive whole number, got ${String(options.bufferSize)}`);
    }
    // The transport exists before the broker (and its logger): the callback reads the logger once it does.
    const log: { to?: Logger } = {};
    const onDrop = (envelope: MemoryEnvelope): void => {
      log.to?.warn("dropped a rejected message (the subscriber has no deadLetter destination)", { destination: envelope.destination, messageId: envelope.messageId });
    };
    super("memory", new MemoryTransport(hub, { maxMessageBytes: options.maxMessageBytes, onDrop }), options);
    log.to = this.logger;
    this.hub = hub;
  }
}

export class MemoryRouter extends Router<"memory", MemorySubscribeOptions, MemoryPublishOptions> {
  constructor(options: RouterOptions<"memory"> = {}) {
    super("memory", options);
  }
}
