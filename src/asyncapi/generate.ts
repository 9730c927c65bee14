// One AsyncAPI 3.0 document for an App (or a broker): a server per broker, a channel per distinct address
// and binding, a receive operation per subscriber (with its reply when it answers requests), a send
// operation per publisher, and a message per operation with its JSON Schema payload and correlation id.
import type { Publisher } from "../core/publisher.js";
import { profileOf } from "./brokers/index.js";
import type { BrokerProfile, ChannelShape } from "./brokers/profile.js";
import type { AsyncApiChannel, AsyncApiDocument, AsyncApiMessage, AsyncApiOperation, AsyncApiServer, Reference } from "./document.js";
import { IdAllocator } from "./ids.js";
import { jsonSchemaOf } from "./json-schema.js";
import { publisherDocumentation, sourcesOf, type BrokerSource, type SubscriberSource } from "./sources.js";

export interface AsyncApiOptions {
  /** Override the App's `title` (default "Postline application"). */
  readonly title?: string;
  /** Override the App's `version` (default "1.0.0"). */
  readonly version?: string;
  readonly description?: string;
  /** The content type of messages (default application/json, Postline's JSON codec). */
  readonly defaultContentType?: string;
}

const ref = ($ref: string): Reference => ({ $ref });

/** The AsyncAPI 3.0 document of an App or a broker, from its registrations; nothing is started. */
export function asyncApiDocument(target: object, options: AsyncApiOptions = {}): AsyncApiDocument {
  const sources = sourcesOf(target);
  const builder = new DocumentBuilder();
  sources.brokers.forEach((broker) => builder.addBroker(broker, sources.brokers.length));
  const description = options.description ?? sources.documentation.description;
  return {
    asyncapi: "3.0.0",
    info: {
      title: options.title ?? sources.documentation.title ?? "Postline application",
      version: options.version ?? sources.documentation.version ?? "1.0.0",
      ...(description === undefined ? {} : { description }),
    },
    defaultContentType: options.defaultContentType ?? "application/json",
    ...(Object.keys(builder.servers).length === 0 ? {} : { servers: builder.servers }),
    channels: builder.channels,
    operations: builder.operations,
    components: { messages: builder.messages },
  };
}

interface ChannelEntry {
  readonly id: string;
  readonly channel: AsyncApiChannel & { messages: Record<string, Reference> };
}

class DocumentBuilder {
  readonly servers: Record<string, AsyncApiServer> = {};
  readonly channels: Record<string, AsyncApiChannel> = {};
  readonly operations: Record<string, AsyncApiOperation> = {};
  readonly messages: Record<string, AsyncApiMessage> = {};
  readonly #serverIds = new IdAllocator();
  readonly #channelIds = new IdAllocator();
  readonly #operationIds = new IdAllocator();
  readonly #messageIds = new IdAllocator();
  /** Channels by broker and shape: a subscriber and a publisher of one address share a channel. */
  readonly #channelsByShape = new Map<string, ChannelEntry>();

  addBroker(source: BrokerSource, brokerCount: number): void {
    const profile = profileOf(source.kind);
    const serverFacts = profile.server(source.broker);
    let serverId: string | undefined;
    if (serverFacts !== undefined) {
      serverId = this.#serverIds.allocate(source.kind);
      this.servers[serverId] = { ...serverFacts, title: `${source.kind} broker` };
    }
    const context: BrokerContext = { source, profile, serverId, suffix: brokerCount > 1 ? source.kind : undefined };
    const attached = new Map<Publisher<any, any>, string>();
    for (const subscriber of source.subscribers) {
      this.#addSubscriber(context, subscriber);
      for (const publisher of subscriber.publishers) if (!attached.has(publisher)) attached.set(publisher, subscriber.name);
    }
    const publishers = new Set([...source.publishers, ...attached.keys()]);
    for (const publisher of publishers) this.#addPublisher(context, publisher, attached.get(publisher));
  }

  #addSubscriber(context: BrokerContext, subscriber: SubscriberSource): void {
    const { profile } = context;
    const shape = profile.subscription(subscriber.destination, subscriber.brokerOptions);
    const channel = this.#channel(context, shape);
    const operationId = this.#operationIds.allocate(subscriber.name);
    const docs = subscriber.documentation;
    const messageId = this.#message(channel, `${operationId}.message`, {
      name: subscriber.name,
      ...text({ title: docs.title, summary: docs.summary }),
      payload: jsonSchemaOf(subscriber.schema, "input", `Not validated: the handler "${subscriber.name}" types its body with a TypeScript annotation only.`),
      correlationId: { location: profile.correlationIdLocation },
    });
    const batch = subscriber.batch ? "Handled in batches: the handler receives an array of these messages." : undefined;
    const description = [docs.description, batch].filter((part) => part !== undefined).join("\n\n");
    this.operations[operationId] = {
      action: "receive",
      channel: ref(`#/channels/${channel.id}`),
      messages: [ref(`#/channels/${channel.id}/messages/${messageId}`)],
      ...text({ title: docs.title, summary: docs.summary, description: description === "" ? undefined : description }),
      ...(shape.operationBindings === undefined ? {} : { bindings: shape.operationBindings }),
      ...(docs.reply === undefined || docs.reply === false ? {} : { reply: this.#reply(context, operationId, subscriber) }),
    };
  }

  /** A reply goes to the address the request names: a channel without an address, and its message. */
  #reply(context: BrokerContext, operationId: string, subscriber: SubscriberSource): NonNullable<AsyncApiOperation["reply"]> {
    const reply = typeof subscriber.documentation.reply === "object" ? subscriber.documentation.reply : {};
    const id = this.#channelIds.allocate(`${operationId}.reply`);
    const entry: ChannelEntry = { id, channel: { address: null, description: `Replies of "${subscriber.name}", sent where the request's reply-to says.`, messages: {} } };
    this.channels[id] = entry.channel;
    const messageId = this.#message(entry, `${operationId}.reply`, {
      name: `${subscriber.name} reply`,
      ...text({ description: reply.description }),
      payload: jsonSchemaOf(reply.schema, "output", `The return value of "${subscriber.name}".`),
      correlationId: { location: context.profile.correlationIdLocation, description: "The request's correlation id." },
    });
    return {
      address: { location: context.profile.replyToLocation, description: "The reply-to address of the request." },
      channel: ref(`#/channels/${id}`),
      messages: [ref(`#/channels/${id}/messages/${messageId}`)],
    };
  }

  #addPublisher(context: BrokerContext, publisher: Publisher<any, any>, from: string | undefined): void {
    const shape = context.profile.publication(publisher.destination, publisher.options as Record<string, unknown>);
    const channel = this.#channel(context, shape);
    const docs = publisherDocumentation(publisher);
    const operationId = this.#operationIds.allocate(`send.${publisher.destination}`);
    const absent = from === undefined ? "Not described: give the publisher a schema option to describe its messages." : `The return value of "${from}".`;
    const messageId = this.#message(channel, `${operationId}.message`, {
      name: publisher.destination,
      ...text({ title: docs.title, summary: docs.summary }),
      payload: jsonSchemaOf(docs.schema, "output", absent),
      correlationId: { location: context.profile.correlationIdLocation },
    });
    const description = docs.description ?? (from === undefined ? undefined : `Publishes what "${from}" returns.`);
    this.operations[operationId] = {
      action: "send",
      channel: ref(`#/channels/${channel.id}`),
      messages: [ref(`#/channels/${channel.id}/messages/${messageId}`)],
      ...text({ title: docs.title, summary: docs.summary, description }),
      ...(shape.operationBindings === undefined ? {} : { bindings: shape.operationBindings }),
    };
  }

  #channel(context: BrokerContext, shape: ChannelShape): ChannelEntry {
    const key = JSON.stringify([context.source.broker === undefined ? "" : context.serverId ?? context.source.kind, shape.address, shape.bindings ?? null]);
    const known = this.#channelsByShape.get(key);
    if (known !== undefined) return known;
    const id = this.#channelIds.allocate(context.suffix === undefined ? shape.address : `${shape.address}.${context.suffix}`);
    const channel = {
      address: shape.address,
      ...text({ description: shape.description }),
      messages: {},
      ...(context.serverId === undefined ? {} : { servers: [ref(`#/servers/${context.serverId}`)] }),
      ...(shape.bindings === undefined ? {} : { bindings: shape.bindings }),
    };
    const entry: ChannelEntry = { id, channel };
    this.channels[id] = channel;
    this.#channelsByShape.set(key, entry);
    return entry;
  }

  /** Adds the message to the components and to the channel; returns its id, the same in both. */
  #message(channel: ChannelEntry, wanted: string, message: AsyncApiMessage): string {
    const id = this.#messageIds.allocate(wanted);
    this.messages[id] = message;
    channel.channel.messages[id] = ref(`#/components/messages/${id}`);
    return id;
  }
}

interface BrokerContext {
  readonly source: BrokerSource;
  readonly profile: BrokerProfile;
  readonly serverId: string | undefined;
  /** With several brokers, channel ids name their broker kind. */
  readonly suffix: string | undefined;
}

/** Only the texts that are set: AsyncAPI fields are optional, and an empty one reads as a mistake. */
function text(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
}
