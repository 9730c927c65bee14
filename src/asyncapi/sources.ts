// What the document is made from: the brokers of an App (or one broker), each with its kind, subscribers and
// publishers, read through core's registration facts. Nothing is started or connected.
import { appRegistration, publisherRegistration, subscriberRegistration, type AppDocumentation } from "../core/registrations.js";
import type { PublisherDocumentation, SubscriberDocumentation } from "../core/registrations.js";
import type { Publisher } from "../core/publisher.js";
import type { Subscriber } from "../core/subscriber.js";
import type { StandardSchemaV1 } from "../core/schema.js";

/** Options every subscriber has; the rest are the broker's and shape the channel. */
const coreSubscriberKeys = new Set(["schema", "publishers", "middlewares", "ackPolicy", "batch", "concurrency", "maxDeliveries", "name"]);

export interface SubscriberSource {
  readonly name: string;
  readonly destination: string;
  readonly schema: StandardSchemaV1 | undefined;
  readonly batch: boolean;
  readonly brokerOptions: Readonly<Record<string, unknown>>;
  readonly publishers: readonly Publisher<any, any>[];
  readonly documentation: SubscriberDocumentation;
}

export interface PublisherSource {
  readonly publisher: Publisher<any, any>;
  readonly documentation: PublisherDocumentation;
}

export interface BrokerSource {
  readonly broker: object;
  readonly kind: string;
  readonly subscribers: readonly SubscriberSource[];
  readonly publishers: readonly Publisher<any, any>[];
}

export interface Sources {
  readonly documentation: AppDocumentation;
  readonly brokers: readonly BrokerSource[];
}

interface BrokerLike {
  subscribers(): Subscriber[];
  publishers?(): Publisher<any, any>[];
  runtime(): { transport: { kind: string } };
}

function isBroker(value: unknown): value is BrokerLike {
  const candidate = value as Partial<BrokerLike> | null;
  return typeof candidate?.subscribers === "function" && typeof candidate.runtime === "function";
}

/** The App's brokers and documentation, or one broker's; a TypeError for anything else. */
export function sourcesOf(target: object): Sources {
  const app = appRegistration(target);
  const brokers = app?.brokers ?? [target];
  if (app === undefined && !isBroker(target)) {
    throw new TypeError(
      "expected a Postline App or broker; if it is one, the module loaded another copy of postline than this one (check that a single postline is installed)",
    );
  }
  return { documentation: app?.documentation ?? {}, brokers: brokers.filter(isBroker).map(brokerSource) };
}

function brokerSource(broker: BrokerLike): BrokerSource {
  return {
    broker,
    kind: broker.runtime().transport.kind,
    subscribers: broker.subscribers().map(subscriberSource),
    publishers: broker.publishers?.() ?? [],
  };
}

function subscriberSource(subscriber: Subscriber): SubscriberSource {
  const registration = subscriberRegistration(subscriber);
  const options = registration?.options ?? {};
  return {
    name: subscriber.name,
    destination: subscriber.destination,
    schema: options.schema as StandardSchemaV1 | undefined,
    batch: options.batch !== undefined,
    brokerOptions: Object.fromEntries(Object.entries(options).filter(([key]) => !coreSubscriberKeys.has(key))),
    publishers: registration?.publishers ?? [],
    documentation: registration?.documentation ?? {},
  };
}

export function publisherDocumentation(publisher: Publisher<any, any>): PublisherDocumentation {
  return publisherRegistration(publisher)?.documentation ?? {};
}
