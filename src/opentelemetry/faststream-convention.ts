import { randomUUID } from "node:crypto";
import { ROOT_CONTEXT, SpanKind, context, createContextKey, propagation, trace, type Context, type Link, type Span, type SpanContext, type Tracer } from "@opentelemetry/api";
import type { IncomingMessage, MessageContext, PublishCommand, TelemetryProvider } from "../core/index.js";
import { ATTR_FASTSTREAM } from "../core/telemetry/semconv.js";
import { faststreamConsumeAttributes, faststreamPublishAttributes, faststreamSystemKeys, type AttributeSettings } from "./attributes.js";
import { clock } from "./clock.js";
import { mergeBaggage, validSpanContext, withBaggageOf, type ContextCarrier } from "./context-carrier.js";
import type { Convention, ConventionSetup, Operation } from "./convention.js";
import { MetricAttributeSets } from "./metrics.js";
import { faststreamDestination, spanName } from "./span-name.js";

/** The context a handler's return value propagates (the incoming message's parent). */
const ORIGIN_CONTEXT = createContextKey("postline.faststream.origin");
/** Python FastStream consumers recognise batch members by this baggage entry. */
const WITH_BATCH = "with_batch";

/**
 * Python FastStream's `*TelemetryMiddleware`, byte for byte (reference/faststream-otel.md §1–4): `create` +
 * `publish` on the producer side, `process` (and a consumer-side `create` root) on the consumer side, and the
 * origin context propagated by a handler's return value, so a chain is one flat tree.
 */
export class FaststreamConvention implements Convention {
  readonly #tracer: Tracer;
  readonly #provider: TelemetryProvider;
  readonly #carrier: ContextCarrier;
  readonly #settings: AttributeSettings;
  readonly #metricSets = new MetricAttributeSets();

  constructor(setup: ConventionSetup) {
    this.#tracer = setup.tracer;
    this.#provider = setup.provider;
    this.#carrier = setup.carrier;
    // FastStream has no `messaging/dup`: it writes its own keys only.
    this.#settings = { system: setup.provider.system, duplicatePrevious: false, systemKeys: faststreamSystemKeys(setup.provider.attributes ?? []) };
  }

  startSend(command: PublishCommand): Operation {
    const active = context.active();
    const facts = this.#provider.publishFacts(command);
    const attributes = faststreamPublishAttributes(this.#settings, facts, command.messages);
    const origin = active.getValue(ORIGIN_CONTEXT) as SpanContext | undefined;
    const outgoing = this.#carrier.outgoing(active);
    let parent: Context;
    let injected: Context;
    if (command.fromHandler && origin !== undefined && trace.getSpan(active)?.isRecording() === true) {
      // A handler's return value: no create span, and the wire carries the origin context (a flat chain).
      parent = active;
      injected = trace.setSpanContext(outgoing, origin);
    } else {
      const create = this.#tracer.startSpan(spanName("faststream", "create", facts), { kind: SpanKind.PRODUCER, startTime: clock(), attributes }, active);
      create.end(clock());
      parent = trace.setSpan(active, create);
      injected = trace.setSpan(outgoing, create);
    }
    if (command.messages.length > 1) {
      const baggage = propagation.getBaggage(injected) ?? propagation.createBaggage();
      injected = propagation.setBaggage(injected, baggage.setEntry(WITH_BATCH, { value: "True" }));
    }
    for (const message of command.messages) this.#carrier.inject(injected, message.headers);
    const span = this.#tracer.startSpan(spanName("faststream", "publish", facts), { kind: SpanKind.PRODUCER, startTime: clock(), attributes: { ...attributes, [ATTR_FASTSTREAM.operation]: "publish" } }, parent);
    const destination = faststreamDestination(facts);
    const metrics = this.#metricSets.get(`publish\0${destination}`, () => ({ [ATTR_FASTSTREAM.system]: this.#settings.system, [ATTR_FASTSTREAM.destinationName]: destination }));
    return { span, context: trace.setSpan(parent, span), metrics, count: command.messages.length };
  }

  startProcess(message: MessageContext): Operation {
    const active = context.active();
    const messages = message.messages;
    const facts = this.#provider.consumeFacts(message.message, message.subscriber);
    const attributes = faststreamConsumeAttributes(this.#settings, facts, messages, message.batch, randomUUID);
    const extracted = messages.map((item) => this.#carrier.extract(ROOT_CONTEXT, item.headers));
    const first = extracted[0]!;
    const flaggedBatch = propagation.getBaggage(first)?.getEntry(WITH_BATCH) !== undefined;
    const remote = validSpanContext(first);
    let origin: Context;
    if (message.batch || flaggedBatch || remote === undefined) {
      const links = message.batch ? batchLinks(messages, extracted) : remote === undefined ? [] : [{ context: remote }];
      const create = this.#tracer.startSpan(spanName("faststream", "create", facts), { kind: SpanKind.CONSUMER, startTime: clock(), attributes, links }, active);
      create.end(clock());
      origin = trace.setSpan(active, create);
    } else {
      origin = trace.setSpan(active, trace.wrapSpanContext(remote));
    }
    const span = this.#tracer.startSpan(spanName("faststream", "process", facts), { kind: SpanKind.CONSUMER, startTime: clock(), attributes: { ...attributes, [ATTR_FASTSTREAM.operation]: "process" } }, origin);
    // The handler sees the messages' baggage in the OTel context, without FastStream's internal batch marker.
    const baggage = mergeBaggage(extracted.map((item) => propagation.getBaggage(item)))?.removeEntry(WITH_BATCH);
    const handlerContext = withBaggageOf(trace.setSpan(origin, span), baggage).setValue(ORIGIN_CONTEXT, trace.getSpanContext(origin));
    const destination = faststreamDestination(facts);
    const metrics = this.#metricSets.get(`process\0${destination}`, () => ({ [ATTR_FASTSTREAM.system]: this.#settings.system, [ATTR_FASTSTREAM.destinationPublishName]: destination }));
    const count = typeof attributes[ATTR_FASTSTREAM.batchMessageCount] === "number" ? (attributes[ATTR_FASTSTREAM.batchMessageCount] as number) : 1;
    return { span, context: handlerContext, metrics, count };
  }

  /** FastStream's spans carry the status and the exception event only: no `error.type` attribute. */
  markError(_span: Span, _errorType: string): void {}
}

/** FastStream §1.8: one link per distinct correlation id, with the count when several messages share it. */
function batchLinks(messages: readonly IncomingMessage[], extracted: readonly Context[]): Link[] {
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
