import type { AckPolicy } from "./ack-policy.js";
import type { CodecRegistry } from "./codecs.js";
import type { DeliveryContext } from "./context.js";
import type { Logger } from "./logger.js";
import type { Middleware } from "./middleware.js";
import type { PublishApi, PublishOptions } from "./publish-api.js";
import type { Publisher } from "./publisher.js";
import type { Transport } from "./transport.js";

/**
 * What subscribers and publishers need from the broker that owns them. Internal: the `Broker` class is the
 * only implementation, and routers reach it once they are included.
 */
export interface BrokerRuntime {
  readonly transport: Transport;
  readonly codecs: CodecRegistry;
  readonly logger: Logger;
  readonly defaultAckPolicy: AckPolicy;
  readonly publishApi: PublishApi;
  readonly shutdownSignal: AbortSignal;
  /** Publishes a handler's return value to its publishers and to the reply address of a request. */
  publishResult(result: unknown, context: DeliveryContext, publishers: readonly Publisher<any, any>[], subscriberMiddlewares: readonly Middleware<string>[]): Promise<void>;
  /** `publisher.publish(...)`: one message through the broker's, the routers' and the publisher's middlewares. */
  publishThrough(body: unknown, destination: string, options: PublishOptions & Record<string, unknown>, middlewares: readonly Middleware<string>[]): Promise<void>;
}
