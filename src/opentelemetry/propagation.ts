import { propagation, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from "@opentelemetry/api";
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from "@opentelemetry/core";
import type { Headers } from "../core/index.js";

/**
 * Header access for propagators. Core already turned every broker's header values (Buffers, arrays) into
 * strings; lookups are case-insensitive because several brokers (and HTTP-minded producers) change case.
 */
export const headerGetter: TextMapGetter<Readonly<Headers>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    // Runs for every absent field (tracestate, baggage) of every message: compare lengths before case.
    let lower: string | undefined;
    for (const name in carrier) {
      if (name.length !== key.length) continue;
      lower ??= key.toLowerCase();
      if (name.toLowerCase() === lower) return carrier[name];
    }
    return undefined;
  },
};

export const headerSetter: TextMapSetter<Headers> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

const w3c = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });

/**
 * The propagator to use: an explicit one, else the globally configured one (so B3 or Jaeger work as
 * configured), else W3C trace context + baggage. The global API's default is a no-op that injects nothing;
 * falling back keeps traces connected for users who set a tracer provider but no propagator.
 */
export function resolvePropagator(explicit: TextMapPropagator | undefined): TextMapPropagator {
  if (explicit !== undefined) return explicit;
  return {
    inject: (context, carrier, setter) => current().inject(context, carrier, setter),
    extract: (context, carrier, getter) => current().extract(context, carrier, getter),
    fields: () => current().fields(),
  };
}

function current(): TextMapPropagator {
  // `propagation.fields()` is empty exactly when no global propagator was registered.
  return propagation.fields().length > 0 ? globalPropagator : w3c;
}

const globalPropagator: TextMapPropagator = {
  inject: (context: Context, carrier: unknown, setter: TextMapSetter) => propagation.inject(context, carrier, setter),
  extract: (context: Context, carrier: unknown, getter: TextMapGetter) => propagation.extract(context, carrier, getter),
  fields: () => propagation.fields(),
};
