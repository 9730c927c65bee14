import { ROOT_CONTEXT, propagation, trace, type Baggage, type Context, type SpanContext, type TextMapPropagator } from "@opentelemetry/api";
import type { Headers } from "../core/index.js";
import { baggageOverride } from "./baggage.js";
import { headerGetter, headerSetter } from "./propagation.js";
import { reportFailure } from "./report.js";

/** Contexts into and out of message headers, through the configured propagator; shared by both conventions. */
export class ContextCarrier {
  constructor(private readonly propagator: TextMapPropagator) {}

  /** A handler's baggage update (`updateBaggage`) applies to what it publishes. */
  outgoing(active: Context): Context {
    const override = baggageOverride(active);
    return override === undefined ? active : withBaggageOf(active, override);
  }

  /** A creation context the user already put in the headers; it must not be replaced (semconv rule). */
  userCreationContext(headers: Headers): SpanContext | undefined {
    for (const _ in headers) return validSpanContext(this.extract(ROOT_CONTEXT, headers));
    return undefined;
  }

  inject(injected: Context, headers: Headers): void {
    let target = injected;
    // A baggage header the user wrote by hand is kept and merged with the context's baggage.
    // (Most outgoing headers are still empty here: skip the lookup then.)
    if (!isEmpty(headers) && headerGetter.get(headers, "baggage") !== undefined) {
      const fromHeader = propagation.getBaggage(this.extract(ROOT_CONTEXT, headers));
      target = withBaggageOf(injected, mergeBaggage([propagation.getBaggage(injected), fromHeader]));
    }
    this.propagator.inject(target, headers, headerSetter);
  }

  /** Malformed `traceparent`/`baggage` headers never throw: the message continues in a new trace. */
  extract(base: Context, headers: Readonly<Headers>): Context {
    try {
      return this.propagator.extract(base, headers, headerGetter);
    } catch (error) {
      reportFailure("extract", error);
      return base;
    }
  }
}

function isEmpty(headers: Headers): boolean {
  for (const _ in headers) return false;
  return true;
}

export function validSpanContext(extracted: Context): SpanContext | undefined {
  const spanContext = trace.getSpanContext(extracted);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}

export function withBaggageOf(base: Context, baggage: Baggage | undefined): Context {
  return baggage === undefined || baggage.getAllEntries().length === 0 ? propagation.deleteBaggage(base) : propagation.setBaggage(base, baggage);
}

/** Later entries win, as FastStream merges the baggage of a batch. */
export function mergeBaggage(baggages: readonly (Baggage | undefined)[]): Baggage | undefined {
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
