import { randomUUID } from "node:crypto";
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  diag,
  propagation,
  trace,
  type Attributes,
  type Baggage,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type TextMapPropagator,
  type Tracer,
} from "@opentelemetry/api";
import { SettlementSignal, type MessagingFacts, type ServerAddress, type Headers, type IncomingMessage, type MessageContext, type Middleware, type PublishCommand, type PublishNext, type PublishOutcome, type SubscriberInfo, type TelemetryProvider } from "../core/index.js";
import { ATTR, ATTR_FASTSTREAM, SCHEMA_URL_CURRENT, SCHEMA_URL_FASTSTREAM } from "../core/telemetry/semconv.js";
import { POSTLINE_VERSION } from "../core/version.js";
import {
  currentSpanName,
  faststreamConsumeAttributes,
  faststreamDestination,
  faststreamPublishAttributes,
  faststreamSpanName,
  creationAttributes,
  setMessageAttributes,
  type AttributeSettings,
} from "./attributes.js";
import { baggageOverride } from "./baggage.js";
import { clock, hrTimeAt } from "./clock.js";
import { ensureContextManager } from "./context-manager.js";
import { MessagingMetrics, type MetricAttributeSet } from "./metrics.js";
import { SpanProfiles, type SpanProfile } from "./span-profile.js";
import { duplicatePreviousKeys, type SemconvMode, type TelemetryOptions } from "./options.js";
import { headerGetter, headerSetter, resolvePropagator } from "./propagation.js";

/** FastStream mode: the context a handler's return value propagates (the incoming message's parent). */
const ORIGIN_CONTEXT = createContextKey("postline.faststream.origin");
const WITH_BATCH = "with_batch";

/** What a started operation needs at its end. */
interface Operation {
  readonly span: Span;
  readonly context: Context;
  readonly metrics: MetricAttributeSet;
  readonly count: number;
}

function errorTypeOf(error: unknown): string {
  return error instanceof Error ? error.constructor.name || error.name : "_OTHER";
}

/**
 * The broker-agnostic telemetry middleware (TELEMETRY.md). Each adapter exports it bound to its attribute
 * provider as `<Broker>TelemetryMiddleware`. It never throws into user code: a telemetry failure is reported
 * through the OTel diagnostic logger and the message goes on untraced.
 */
export class TelemetryMiddleware<BrokerKind extends string = string> implements Middleware<BrokerKind> {
  readonly broker: BrokerKind;
  readonly #provider: TelemetryProvider;
  readonly #mode: SemconvMode;
  readonly #tracer: Tracer;
  readonly #metrics: MessagingMetrics;
  readonly #propagator: TextMapPropagator;
  readonly #settings: AttributeSettings;
  readonly #options: TelemetryOptions;
  readonly #metricSets = new Map<string, MetricAttributeSet>();
  readonly #sendProfiles = new SpanProfiles((facts, server) => this.#sendProfile(facts, server));
  /** Per subscription: a broker-level middleware sees every subscription's messages interleaved. */
  readonly #processProfiles = new WeakMap<SubscriberInfo, SpanProfiles>();

  constructor(provider: TelemetryProvider, options: TelemetryOptions = {}) {
    this.broker = provider.broker as BrokerKind;
    this.#provider = provider;
    this.#options = options;
    this.#mode = options.semconv ?? "current";
    if (this.#mode !== "current" && this.#mode !== "faststream") {
      throw new TypeError(`semconv must be "current" or "faststream", got ${JSON.stringify(this.#mode)}`);
    }
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
    this.#tracer =
      this.#mode === "faststream"
        ? tracerProvider.getTracer("opentelemetry.instrumentation.faststream", POSTLINE_VERSION, { schemaUrl: SCHEMA_URL_FASTSTREAM })
        : tracerProvider.getTracer("postline", POSTLINE_VERSION, { schemaUrl: SCHEMA_URL_CURRENT });
    this.#metrics = new MessagingMetrics(options.meterProvider, this.#mode, options.includeMessagesCounters ?? true);
    this.#propagator = resolvePropagator(options.propagator);
    this.#settings = { system: provider.system, duplicatePrevious: duplicatePreviousKeys() };
  }

  publish(command: PublishCommand, next: PublishNext): Promise<PublishOutcome> {
    ensureContextManager();
    let operation: Operation | undefined;
    const started = performance.now();
    try {
      if (this.#options.ignore?.(command.destination) !== true) {
        operation = this.#mode === "faststream" ? this.#startFaststreamPublish(command, started) : this.#startSend(command, started);
      }
    } catch (error) {
      this.#report("publish", error);
      return next(command);
    }
    if (operation === undefined) return next(command);
    // Not an async function: a publish allocates one promise here, not an async frame and an await.
    let sending: Promise<PublishOutcome>;
    try {
      sending = context.with(operation.context, next, undefined, command);
    } catch (error) {
      this.#endSend(operation, started, error, true);
      // Whatever next() threw is passed on unchanged, as the async version of this method would.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
    return sending.then(
      (outcome) => {
        this.#endSend(operation, started, undefined, false);
        return outcome;
      },
      (error: unknown) => {
        this.#endSend(operation, started, error, true);
        throw error;
      },
    );
  }

  #endSend(operation: Operation, started: number, error: unknown, failed: boolean): void {
    const errorType = failed ? this.#recordError(operation.span, error) : undefined;
    try {
      const ended = performance.now();
      operation.span.end(hrTimeAt(ended));
      this.#metrics.recordSend((ended - started) / 1000, operation.count, operation.metrics, errorType);
    } catch (telemetryError) {
      this.#report("end a span", telemetryError);
    }
  }

  consume(message: MessageContext, next: () => Promise<void>): Promise<void> {
    ensureContextManager();
    let operation: Operation | undefined;
    const started = performance.now();
    try {
      // next() runs outside this try: a failure in it must not look like telemetry's and run the handler twice.
      if (this.#options.ignore?.(message.subscriber.destination) !== true) {
        operation = this.#mode === "faststream" ? this.#startFaststreamProcess(message, started) : this.#startProcess(message, started);
      }
    } catch (error) {
      this.#report("consume", error);
    }
    if (operation === undefined) return next();
    message.onSettled((settlement, error) => {
      try {
        const failed = error !== undefined && !(error instanceof SettlementSignal);
        const errorType = failed ? this.#recordError(operation.span, error) : undefined;
        if (settlement !== undefined) operation.span.setAttribute(ATTR.settlement, settlement.kind);
        const ended = performance.now();
        operation.span.end(hrTimeAt(ended));
        this.#metrics.recordProcess((ended - started) / 1000, operation.count, operation.metrics, errorType);
      } catch (telemetryError) {
        this.#report("end a span", telemetryError);
      }
    });
    return context.with(operation.context, next);
  }

  // ---- current conventions -------------------------------------------------------------------------------

  #startSend(command: PublishCommand, started: number): Operation {
    const active = context.active();
    const facts = this.#provider.publishFacts(command);
    const server = serverOf(facts, command.server);
    const outgoing = this.#withOutgoingBaggage(active);
    const profile = this.#sendProfiles.get(facts, server);
    let span: Span;
    let spanContext: Context | undefined;
    if (command.kind !== "batch") {
      const message = command.messages[0]!;
      const userContext = this.#userCreationContext(message.headers);
      const links = userContext === undefined ? undefined : [{ context: userContext }];
      span = this.#tracer.startSpan(profile.name, { kind: SpanKind.PRODUCER, startTime: hrTimeAt(started), attributes: profile.attributes, links }, active);
      setMessageAttributes(span, this.#settings, facts, command.messages, false);
      spanContext = trace.setSpan(outgoing, span);
      if (userContext === undefined) this.#inject(spanContext, message.headers);
    } else {
      // One `create` per message carries that message's own creation context; the `send` links to them all.
      const links: Link[] = [];
      for (const message of command.messages) {
        const userContext = this.#userCreationContext(message.headers);
        if (userContext !== undefined) {
          links.push({ context: userContext });
          continue;
        }
        const create = this.#tracer.startSpan(currentSpanName("create", facts), { kind: SpanKind.PRODUCER, startTime: clock(), attributes: creationAttributes(this.#settings, facts, server, "create") }, active);
        setMessageAttributes(create, this.#settings, facts, [message], false);
        this.#inject(trace.setSpan(outgoing, create), message.headers);
        links.push({ context: create.spanContext() });
        create.end(clock());
      }
      span = this.#tracer.startSpan(profile.name, { kind: SpanKind.CLIENT, startTime: hrTimeAt(started), attributes: profile.attributes, links }, active);
      setMessageAttributes(span, this.#settings, facts, command.messages, true);
    }
    if (this.#options.publishHook !== undefined) this.#hook(() => this.#options.publishHook?.(span, command));
    return { span, context: spanContext ?? trace.setSpan(outgoing, span), metrics: profile.metrics, count: command.messages.length };
  }

  #startProcess(message: MessageContext, started: number): Operation {
    const active = context.active();
    const messages = message.messages;
    const facts = this.#provider.consumeFacts(message.message, message.subscriber);
    const server = serverOf(facts, message.subscriber.server);
    let parent: Context;
    // Most messages are single and continue their producer's trace: no links, so no array either.
    let links: Link[] | undefined;
    if (!message.batch) {
      const extracted = this.#extract(active, message.message.headers);
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
        const extracted = this.#extract(ROOT_CONTEXT, item.headers);
        const remote = validSpanContext(extracted);
        if (remote !== undefined) links.push({ context: remote, attributes: item.messageId === undefined ? {} : { [ATTR.messageId]: item.messageId } });
        baggages.push(propagation.getBaggage(extracted));
      }
      parent = withBaggageOf(active, mergeBaggage(baggages));
    }
    const profile = this.#processProfilesOf(message.subscriber).get(facts, server);
    const span = this.#tracer.startSpan(profile.name, { kind: SpanKind.CONSUMER, startTime: hrTimeAt(started), attributes: profile.attributes, links: links !== undefined && links.length > 0 ? links : undefined }, parent);
    setMessageAttributes(span, this.#settings, facts, messages, message.batch);
    if (this.#options.consumeHook !== undefined) this.#hook(() => this.#options.consumeHook?.(span, message.message));
    return { span, context: trace.setSpan(parent, span), metrics: profile.metrics, count: messages.length };
  }

  // ---- FastStream compatibility (reference/faststream-otel.md §1–4) --------------------------------------

  #startFaststreamPublish(command: PublishCommand, _started: number): Operation {
    const active = context.active();
    const facts = this.#provider.publishFacts(command);
    const attributes = faststreamPublishAttributes(this.#settings.system, facts, command.messages);
    const origin = active.getValue(ORIGIN_CONTEXT) as SpanContext | undefined;
    const outgoing = this.#withOutgoingBaggage(active);
    let parent: Context;
    let injected: Context;
    if (command.fromHandler && origin !== undefined && trace.getSpan(active)?.isRecording() === true) {
      // A handler's return value: no create span, and the wire carries the origin context (a flat chain).
      parent = active;
      injected = trace.setSpanContext(outgoing, origin);
    } else {
      const create = this.#tracer.startSpan(faststreamSpanName(facts, "create"), { kind: SpanKind.PRODUCER, startTime: clock(), attributes }, active);
      create.end(clock());
      parent = trace.setSpan(active, create);
      injected = trace.setSpan(outgoing, create);
    }
    if (command.messages.length > 1) {
      // Python FastStream consumers recognise batch members by this baggage entry.
      const baggage = propagation.getBaggage(injected) ?? propagation.createBaggage();
      injected = propagation.setBaggage(injected, baggage.setEntry(WITH_BATCH, { value: "True" }));
    }
    for (const message of command.messages) this.#inject(injected, message.headers);
    const span = this.#tracer.startSpan(faststreamSpanName(facts, "publish"), { kind: SpanKind.PRODUCER, startTime: clock(), attributes: { ...attributes, [ATTR_FASTSTREAM.operation]: "publish" } }, parent);
    if (this.#options.publishHook !== undefined) this.#hook(() => this.#options.publishHook?.(span, command));
    const destination = faststreamDestination(facts);
    const metrics = this.#metricSet(`publish\0${destination}`, () => ({ [ATTR_FASTSTREAM.system]: this.#settings.system, [ATTR_FASTSTREAM.destinationName]: destination }));
    return { span, context: trace.setSpan(parent, span), metrics, count: command.messages.length };
  }

  #startFaststreamProcess(message: MessageContext, _started: number): Operation {
    const active = context.active();
    const messages = message.messages;
    const facts = this.#provider.consumeFacts(message.message, message.subscriber);
    const attributes = faststreamConsumeAttributes(this.#settings.system, facts, messages, message.batch, randomUUID);
    const extracted = messages.map((item) => this.#extract(ROOT_CONTEXT, item.headers));
    const first = extracted[0]!;
    const flaggedBatch = propagation.getBaggage(first)?.getEntry(WITH_BATCH) !== undefined;
    const remote = validSpanContext(first);
    let origin: Context;
    if (message.batch || flaggedBatch || remote === undefined) {
      const links = message.batch ? faststreamBatchLinks(messages, extracted) : remote === undefined ? [] : [{ context: remote }];
      const create = this.#tracer.startSpan(faststreamSpanName(facts, "create"), { kind: SpanKind.CONSUMER, startTime: clock(), attributes, links }, active);
      create.end(clock());
      origin = trace.setSpan(active, create);
    } else {
      origin = trace.setSpan(active, trace.wrapSpanContext(remote));
    }
    const span = this.#tracer.startSpan(faststreamSpanName(facts, "process"), { kind: SpanKind.CONSUMER, startTime: clock(), attributes: { ...attributes, [ATTR_FASTSTREAM.operation]: "process" } }, origin);
    if (this.#options.consumeHook !== undefined) this.#hook(() => this.#options.consumeHook?.(span, message.message));
    // The handler sees the messages' baggage in the OTel context, without FastStream's internal batch marker.
    const baggage = mergeBaggage(extracted.map((item) => propagation.getBaggage(item)))?.removeEntry(WITH_BATCH);
    const handlerContext = withBaggageOf(trace.setSpan(origin, span), baggage).setValue(ORIGIN_CONTEXT, trace.getSpanContext(origin));
    const destination = faststreamDestination(facts);
    const metrics = this.#metricSet(`process\0${destination}`, () => ({ [ATTR_FASTSTREAM.system]: this.#settings.system, [ATTR_FASTSTREAM.destinationPublishName]: destination }));
    const count = typeof attributes[ATTR_FASTSTREAM.batchMessageCount] === "number" ? (attributes[ATTR_FASTSTREAM.batchMessageCount] as number) : 1;
    return { span, context: handlerContext, metrics, count };
  }

  // ---- shared --------------------------------------------------------------------------------------------

  #sendProfile(facts: MessagingFacts, server: ServerAddress | undefined): SpanProfile {
    // Reply inboxes are temporary and unbounded in number: their metrics leave the destination out.
    const destination = facts.temporary === true ? undefined : facts.destinationName;
    const key = `send\0${destination ?? ""}\0${server?.address ?? ""}`;
    const metrics = this.#metricSet(key, () => {
      const attributes: Attributes = { [ATTR.systemName]: this.#settings.system, [ATTR.operationName]: "send", [ATTR.operationType]: "send" };
      if (destination !== undefined) attributes[ATTR.destinationName] = destination;
      if (server !== undefined) attributes[ATTR.serverAddress] = server.address;
      return attributes;
    });
    return { name: currentSpanName("send", facts), attributes: creationAttributes(this.#settings, facts, server, "send"), metrics };
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
    const metrics = this.#metricSet(key, () => {
      const attributes: Attributes = { [ATTR.systemName]: this.#settings.system, [ATTR.operationName]: "process" };
      if (facts.destinationTemplate !== undefined) attributes[ATTR.destinationTemplate] = facts.destinationTemplate;
      else attributes[ATTR.destinationName] = facts.destinationName;
      if (facts.consumerGroup !== undefined) attributes[ATTR.consumerGroupName] = facts.consumerGroup;
      if (server !== undefined) attributes[ATTR.serverAddress] = server.address;
      return attributes;
    });
    return { name: currentSpanName("process", facts), attributes: creationAttributes(this.#settings, facts, server, "process"), metrics };
  }

  /** Metric attributes are built once per destination (and group, server): recording reuses them. */
  #metricSet(key: string, build: () => Attributes): MetricAttributeSet {
    let set = this.#metricSets.get(key);
    if (set === undefined) {
      set = { key, attributes: build() };
      this.#metricSets.set(key, set);
    }
    return set;
  }

  /** A handler's baggage update (`updateBaggage`) applies to what it publishes. */
  #withOutgoingBaggage(active: Context): Context {
    const override = baggageOverride(active);
    return override === undefined ? active : withBaggageOf(active, override);
  }

  /** A creation context the user already put in the headers; it must not be replaced (semconv rule). */
  #userCreationContext(headers: Headers): SpanContext | undefined {
    for (const _ in headers) return validSpanContext(this.#extract(ROOT_CONTEXT, headers));
    return undefined;
  }

  #inject(injected: Context, headers: Headers): void {
    let target = injected;
    // A baggage header the user wrote by hand is kept and merged with the context's baggage.
    // (Most outgoing headers are still empty here: skip the lookup then.)
    if (!isEmpty(headers) && headerGetter.get(headers, "baggage") !== undefined) {
      const fromHeader = propagation.getBaggage(this.#extract(ROOT_CONTEXT, headers));
      target = withBaggageOf(injected, mergeBaggage([propagation.getBaggage(injected), fromHeader]));
    }
    this.#propagator.inject(target, headers, headerSetter);
  }

  /** Malformed `traceparent`/`baggage` headers never throw: the message continues in a new trace. */
  #extract(base: Context, headers: Readonly<Headers>): Context {
    try {
      return this.#propagator.extract(base, headers, headerGetter);
    } catch (error) {
      this.#report("extract", error);
      return base;
    }
  }

  #recordError(span: Span, error: unknown): string {
    const type = errorTypeOf(error);
    try {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? `${type}: ${error.message}` : String(error) });
      if (this.#mode === "current") span.setAttribute(ATTR.errorType, type);
    } catch (telemetryError) {
      this.#report("record an error", telemetryError);
    }
    return type;
  }

  #hook(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#report("run a hook", error);
    }
  }

  #report(what: string, error: unknown): void {
    diag.warn(`postline telemetry could not ${what}; the message goes on untraced`, error);
  }
}

/**
 * The server of an operation: the adapter's facts when they name one, else the transport's. Passed along
 * rather than merged into the facts: copying a facts object per message cost more than all the rest here.
 */
function serverOf(facts: MessagingFacts, transport: ServerAddress | undefined): ServerAddress | undefined {
  return facts.serverAddress === undefined ? transport : { address: facts.serverAddress, port: facts.serverPort };
}

function isEmpty(headers: Headers): boolean {
  for (const _ in headers) return false;
  return true;
}

function validSpanContext(extracted: Context): SpanContext | undefined {
  const spanContext = trace.getSpanContext(extracted);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

function withBaggageOf(base: Context, baggage: Baggage | undefined): Context {
  return baggage === undefined || baggage.getAllEntries().length === 0 ? propagation.deleteBaggage(base) : propagation.setBaggage(base, baggage);
}

/** Later entries win, as FastStream merges the baggage of a batch. */
function mergeBaggage(baggages: readonly (Baggage | undefined)[]): Baggage | undefined {
  let merged: Baggage | undefined;
  for (const baggage of baggages) {
    if (baggage === undefined) continue;
    if (merged === undefined) {
      merged = baggage;
      continue;
    }
    for (const [key, entry] of baggage.getAllEntries()) merged = merged.setEntry(key, entry);
  }
  return merged;
}

/** FastStream §1.8: one link per distinct correlation id, with the count when several messages share it. */
function faststreamBatchLinks(messages: readonly IncomingMessage[], extracted: readonly Context[]): Link[] {
  const byCorrelation = new Map<string, { context: SpanContext; count: number }>();
  messages.forEach((item, index) => {
    const remote = validSpanContext(extracted[index]!);
    if (item.correlationId === undefined || remote === undefined) return;
    const seen = byCorrelation.get(item.correlationId);
    byCorrelation.set(item.correlationId, { context: remote, count: (seen?.count ?? 0) + 1 });
  });
  return [...byCorrelation.values()].map(({ context: linked, count }) => ({
    context: linked,
    attributes: count > 1 ? { [ATTR_FASTSTREAM.batchMessageCount]: count } : {},
  }));
}
