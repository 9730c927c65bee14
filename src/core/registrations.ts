import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Publisher } from "./publisher.js";
import type { Subscriber } from "./subscriber.js";

/**
 * Read-only facts about what an application registered, for tools that describe it (`postline/asyncapi`,
 * `postline docs`). Core records them at registration and never reads them back: nothing here changes how
 * a message is handled, and core knows nothing of the formats the facts end up in.
 */

/** Words for people reading the app's documentation; never sent with a message. */
export interface DocumentationOptions {
  /** A short human title. */
  readonly title?: string;
  /** One line: what it does. */
  readonly summary?: string;
  /** Longer text (CommonMark in AsyncAPI). */
  readonly description?: string;
}

/** What `new App(brokers, options)` says about the whole service. */
export interface AppDocumentation {
  /** The service's name in its documentation (default: "Postline application"). */
  readonly title?: string;
  /** The service's version in its documentation (default: "1.0.0"). */
  readonly version?: string;
  readonly description?: string;
}

/** Documentation options of `subscriber(destination, options)`. */
export interface SubscriberDocumentation extends DocumentationOptions {
  /**
   * The handler answers requests (`broker.request(...)`): its return value goes back to the requester. `true`
   * documents that; an object also says what the reply looks like.
   */
  readonly reply?: boolean | { readonly schema?: StandardSchemaV1; readonly description?: string };
}

/** Documentation options of `publisher(destination, options)`. */
export interface PublisherDocumentation extends DocumentationOptions {
  /** What this publisher sends, for documentation only: bodies are not validated against it. */
  readonly schema?: StandardSchemaV1;
}

/** Takes the documentation keys out of subscriber or publisher options, before the rest reach a transport. */
export function splitDocumentation<Options extends object>(options: Options, keys: readonly string[]): { documentation: Record<string, unknown>; rest: Options } {
  const documentation: Record<string, unknown> = {};
  const rest = { ...options } as Record<string, unknown>;
  for (const key of keys) {
    if (!(key in rest)) continue;
    documentation[key] = rest[key];
    delete rest[key];
  }
  return { documentation, rest: rest as Options };
}

export const subscriberDocumentationKeys = ["title", "summary", "description", "reply"] as const;
export const publisherDocumentationKeys = ["title", "summary", "description", "schema"] as const;

export interface SubscriberRegistration {
  readonly subscriber: Subscriber;
  /** The options as given (core's and the broker's), without the documentation keys. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Publishers that receive the handler's return value (from `publishers` and `@publisher` decorators). */
  readonly publishers: readonly Publisher<any, any>[];
  readonly documentation: SubscriberDocumentation;
}

export interface PublisherRegistration {
  readonly publisher: Publisher<any, any>;
  readonly documentation: PublisherDocumentation;
}

export interface AppRegistration {
  readonly brokers: readonly object[];
  readonly documentation: AppDocumentation;
}

const subscribers = new WeakMap<Subscriber, SubscriberRegistration>();
const publishers = new WeakMap<object, PublisherRegistration>();
const apps = new WeakMap<object, AppRegistration>();

export function recordSubscriber(registration: SubscriberRegistration): void {
  subscribers.set(registration.subscriber, registration);
}

export function recordPublisher(registration: PublisherRegistration): void {
  publishers.set(registration.publisher, registration);
}

export function recordApp(app: object, registration: AppRegistration): void {
  apps.set(app, registration);
}

export function subscriberRegistration(subscriber: Subscriber): SubscriberRegistration | undefined {
  return subscribers.get(subscriber);
}

export function publisherRegistration(publisher: Publisher<any, any>): PublisherRegistration | undefined {
  return publishers.get(publisher);
}

/** The brokers and documentation of an `App`, or undefined for anything else. */
export function appRegistration(app: object): AppRegistration | undefined {
  return apps.get(app);
}
