import { context, propagation, trace, type Baggage, type Context, type Span } from "@opentelemetry/api";
import { currentContext } from "../core/index.js";

/**
 * Per message: a handler's baggage update, and the baggage it replaced. A WeakMap rather than the context's
 * `locals`, so that the lookup on every outgoing message allocates nothing when no handler changed baggage.
 */
const overrides = new WeakMap<object, BaggageOverride>();
/** Until a handler first calls `updateBaggage`, outgoing messages need not look for an override at all. */
let anyOverride = false;

interface BaggageOverride {
  readonly baggage: Baggage;
  /** The active baggage when the update was made: the override applies where that is still the active one. */
  readonly base: Baggage | undefined;
}

export type BaggageChanges = Readonly<Record<string, string | undefined>>;

function apply(base: Baggage | undefined, changes: BaggageChanges, replace: boolean): Baggage {
  let baggage = replace || base === undefined ? propagation.createBaggage() : base;
  for (const [key, value] of Object.entries(changes)) {
    baggage = value === undefined ? baggage.removeEntry(key) : baggage.setEntry(key, { value });
  }
  return baggage;
}

function toRecord(baggage: Baggage | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, entry] of baggage?.getAllEntries() ?? []) record[key] = entry.value;
  return record;
}

/** The `process` span of the message being handled (or whatever span is active). */
export function currentSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** The baggage that publishes from here would carry: the message's, with this handler's updates. */
export function currentBaggage(): Record<string, string> {
  return toRecord(outgoingBaggage());
}

/**
 * Runs `fn` with the active baggage changed (`undefined` removes a key). Publishes inside carry it.
 * OTel baggage is immutable; this makes a new context, it never edits the message's baggage.
 */
export function withBaggage<T>(changes: BaggageChanges, fn: () => T, options: { replace?: boolean } = {}): T {
  const active = context.active();
  return context.with(propagation.setBaggage(active, apply(outgoingBaggage(), changes, options.replace ?? false)), fn);
}

/**
 * Changes the baggage of the rest of this message's handling: the handler's return value (and later
 * publishes in the handler) carry it. Outside a handler it does nothing and returns false.
 */
export function updateBaggage(changes: BaggageChanges, options: { replace?: boolean } = {}): boolean {
  const message = currentContext();
  if (message === undefined) return false;
  const previous = overrides.get(message);
  const active = propagation.getBaggage(context.active());
  const base = previous !== undefined && previous.baggage === outgoingBaggage() ? previous.base : active;
  const override: BaggageOverride = { baggage: apply(outgoingBaggage(), changes, options.replace ?? false), base };
  overrides.set(message, override);
  anyOverride = true;
  return true;
}

/** The handler's baggage update that applies where `activeContext` is active, if there is one. */
export function baggageOverride(activeContext: Context): Baggage | undefined {
  if (!anyOverride) return undefined;
  const message = currentContext();
  const override = message === undefined ? undefined : overrides.get(message);
  // Inside a `withBaggage` scope the active baggage is a new object: the explicit scope is more specific.
  return override !== undefined && override.base === propagation.getBaggage(activeContext) ? override.baggage : undefined;
}

/** Baggage for an outgoing message: a handler's update wins, unless a `withBaggage` scope is active. */
export function outgoingBaggage(activeContext: Context = context.active()): Baggage | undefined {
  return baggageOverride(activeContext) ?? propagation.getBaggage(activeContext);
}
