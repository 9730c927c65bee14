// `postline/opentelemetry`: the broker-agnostic telemetry middleware and the helpers handlers use.
export { TelemetryMiddleware } from "./middleware.js";
export type { SemconvMode, TelemetryOptions } from "./options.js";
export { currentBaggage, currentSpan, updateBaggage, withBaggage, type BaggageChanges } from "./baggage.js";
export { headerGetter, headerSetter } from "./propagation.js";
