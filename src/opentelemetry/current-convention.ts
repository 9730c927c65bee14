import { ROOT_CONTEXT, SpanKind, context, propagation, trace, type Attributes, type Baggage, type Context, type Link, type Span, type Tracer } from "@opentelemetry/api";
import type { MessageContext, MessagingFacts, PublishCommand, ServerAddress, SubscriberInfo, TelemetryProvider } from "../core/index.js";
import { ATTR } from "../core/telemetry/semconv.js";
import { creationAttributes, currentSystemKeys, setMessageAttributes, type AttributeSettings } from "./attributes.js";
import { clock, hrTimeAt } from "./clock.js";
import { mergeBaggage, validSpanContext, withBaggageOf, type ContextCarrier } from "./context-carrier.js";
import type { Convention, ConventionSetup, Operation } from "./convention.js";
import { MetricAttributeSets } from "./metrics.js";
import type { TelemetryOptions } from "./options.js";
import { SpanProfiles, type SpanProfile } from "./span-profile.js";
import { spanName } from "./span-name.js";

/**
 * The current messaging conventions (TELEMETRY.md, `current` mode): `send` (with a `create` per message of a
 * batch) and `process`, the process span a child of the creation context unless `consumerContext: "link"`.
 */
export class CurrentConvention implements Convention {
  readonly #tracer: Tracer;
  readonly #provider: TelemetryProvider;
  readonly #options: TelemetryOptions;
  readonly #carrier: ContextCarrier;
  readonly #settings: AttributeSettings;
  readonly #metricSets = new MetricAttributeSets();
  readonly #sendProfiles = new SpanProfiles((facts, server) => this.#sendProfile(facts, server));
  /** Per subscription: a broker-level middleware sees every subscription's messages interleaved. */
  readonly #processProfiles = new WeakMap<SubscriberInfo, SpanProfiles>();

  constructor(setup: ConventionSetup) {
    this.#tracer = setup.tracer;
    this.#provider = setup.provider;
    this.#options = setup.options;
    this.#carrier = setup.carrier;
    const system = setup.provider.system;
    this.#settings = { system, duplicatePrevious: setup.duplicatePrevious, systemKeys: currentSystemKeys(setup.provider.attributes ?? [], setup.duplicatePrevious) };
  }

  startSend(command: PublishCommand, started: number): Operation {
    const active = context.active();
    const facts = this.#provider.publishFacts(command);
    const server = serverOf(facts, command.server);
    const outgoing = this.#carrier.outgoing(active);
    const profile = this.#sendProfiles.get(facts, server);
    let span: Span;
    let spanContext: Context | undefined;
    if (command.kind !== "batch") {
      const message = command.messages[0]!;
      const userContext = this.#carrier.userCreationContext(message.headers);
      const links = userContext === undefined ? undefined : [{ context: userContext }];
      span = this.#tracer.startSpan(profile.name, { kind: SpanKind.PRODUCER, startTime: hrTimeAt(started), attributes: profile.attributes, links }, active);
      setMessageAttributes(span, this.#settings, facts, command.messages, false);
      spanContext = trace.setSpan(outgoing, span);
      if (userContext === undefined) this.#carrier.inject(spanContext, message.headers);
    } else {
      // One `create` per message carries that message's own creation context; the `send` links to them all.
      const links: Link[] = [];
      for (const message of command.messages) {
        const userContext = this.#carrier.userCreationContext(message.headers);
        if (userContext !== undefined) {
          links.push({ context: userContext });
          continue;
        }
        const create = this.#tracer.startSpan(spanName("current", "create", facts), { kind: SpanKind.PRODUCER, startTime: clock(), attributes: creationAttributes(this.#settings, facts, server, "create") }, active);
        setMessageAttributes(create, this.#settings, facts, [message], false);
        this.#carrier.inject(trace.setSpan(outgoing, create), message.headers);
        links.push({ context: create.spanContext() });
        create.end(clock());
      }
      span = this.#tracer.startSpan(profile.name, { kind: SpanKind.CLIENT, startTime: hrTimeAt(started), attributes: profile.attributes, links }, active);
      setMessageAttributes(span, this.#settings, facts, command.messages, true);
    }
    return { span, context: spanContext ?? trace.setSpan(outgoing, span), metrics: profile.metrics, count: command.messages.length };
  }

  startProcess(message: MessageContext, started: number): Operation {
    const active = context.active();
    const messages = message.messages;
    const facts = this.#provider.consumeFacts(message.message, message.subscriber);
    const server = serverOf(facts, message.subscriber.server);
    let parent: Context;
    // Most messages are single and continue their producer's trace: no links, so no array either.
    let links: Link[] | undefined;
    if (!message.batch) {
      const extracted = this.#carrier.extract(active, message.message.headers);
      // Validating the remote context is only needed to link to it; as a parent the SDK checks it itself.
      const remote = this.#options.consumerContext === "link" ? validSpanContext(extracted) : undefined;
      if (remote === undefined) {
        parent = extracted;
      } else {
        links = [{ context: remote }];
        parent = withBaggageOf(active, propagation.getBaggage(extracted));
      }
    } else {
      links = [];
      const baggages: (Baggage | undefined)[] = [];
      for (const item of messages) {
        const extracted = this.#carrier.extract(ROOT_CONTEXT, item.headers);
        const remote = validSpanContext(extracted);
        if (remote !== undefined) links.push({ context: remote, attributes: item.messageId === undefined ? {} : { [ATTR.messageId]: item.messageId } });
        baggages.push(propagation.getBaggage(extracted));
      }
      parent = withBaggageOf(active, mergeBaggage(baggages));
    }
    const profile = this.#processProfilesOf(message.subscriber).get(facts, server);
    const span = this.#tracer.startSpan(profile.name, { kind: SpanKind.CONSUMER, startTime: hrTimeAt(started), attributes: profile.attributes, links: links !== undefined && links.length > 0 ? links : undefined }, parent);
    setMessageAttributes(span, this.#settings, facts, messages, message.batch);
    return { span, context: trace.setSpan(parent, span), metrics: profile.metrics, count: messages.length };
  }

  markError(span: Span, errorType: string): void {
    span.setAttribute(ATTR.errorType, errorType);
  }

  #sendProfile(facts: MessagingFacts, server: ServerAddress | undefined): SpanProfile {
    // Reply inboxes are temporary and unbounded in number: their metrics leave the destination out.
    const destination = facts.temporary === true ? undefined : facts.destinationName;
    const key = `send\0${destination ?? ""}\0${server?.address ?? ""}`;
    const metrics = this.#metricSets.get(key, () => {
      const attributes: Attributes = { [ATTR.systemName]: this.#settings.system, [ATTR.operationName]: "send", [ATTR.operationType]: "send" };
      if (destination !== undefined) attributes[ATTR.destinationName] = destination;
      if (server !== undefined) attributes[ATTR.serverAddress] = server.address;
      return attributes;
    });
    return { name: spanName("current", "send", facts), attributes: creationAttributes(this.#settings, facts, server, "send"), metrics };
  }

  #processProfilesOf(subscription: SubscriberInfo): SpanProfiles {
    let profiles = this.#processProfiles.get(subscription);
    if (profiles === undefined) {
      profiles = new SpanProfiles((facts, server) => this.#processProfile(facts, server));
      this.#processProfiles.set(subscription, profiles);
    }
    return profiles;
  }

  #processProfile(facts: MessagingFacts, server: ServerAddress | undefined): SpanProfile {
    // The key must follow the attributes exactly: the message counters keep one total per key, and two totals
    // with the same attributes (two subjects of one wildcard template) would hide each other when observed.
    const destination = facts.destinationTemplate === undefined ? `name\0${facts.destinationName}` : `template\0${facts.destinationTemplate}`;
    const key = `process\0${destination}\0${facts.consumerGroup ?? ""}\0${server?.address ?? ""}`;
    const metrics = this.#metricSets.get(key, () => {
      const attributes: Attributes = { [ATTR.systemName]: this.#settings.system, [ATTR.operationName]: "process" };
      if (facts.destinationTemplate !== undefined) attributes[ATTR.destinationTemplate] = facts.destinationTemplate;
      else attributes[ATTR.destinationName] = facts.destinationName;
      if (facts.consumerGroup !== undefined) attributes[ATTR.consumerGroupName] = facts.consumerGroup;
      if (server !== undefined) attributes[ATTR.serverAddress] = server.address;
      return attributes;
    });
    return { name: spanName("current", "process", facts), attributes: creationAttributes(this.#settings, facts, server, "process"), metrics };
  }
}

/**
 * The server of an operation: the adapter's facts when they name one, else the transport's. Passed along
 * rather than merged into the facts: copying a facts object per message cost more than all the rest here.
 */
function serverOf(facts: MessagingFacts, transport: ServerAddress | undefined): ServerAddress | undefined {
  return facts.serverAddress === undefined ? transport : { address: facts.serverAddress, port: facts.serverPort };
}
