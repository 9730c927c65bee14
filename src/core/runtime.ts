import type { AckPolicy } from "./ack-policy.js";
import type { CodecRegistry } from "./codecs.js";
import type { Logger } from "./logger.js";
import type { PublishApi } from "./publish-api.js";
import type { Publishing } from "./publishing.js";
import type { Transport } from "./transport.js";

/**
 * What subscribers and publishers need from the broker that owns them: plain values, and its `Publishing`
 * for everything they send. Internal: the `Broker` class is the only implementation, and routers reach it once
 * they are included.
 */
export interface BrokerRuntime {
  readonly transport: Transport;
  readonly codecs: CodecRegistry;
  readonly logger: Logger;
  readonly defaultAckPolicy: AckPolicy;
  /** What handlers see as `context.broker`. */
  readonly publishApi: PublishApi;
  readonly shutdownSignal: AbortSignal;
  readonly publishing: Publishing;
}
