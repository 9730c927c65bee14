// `postline/kafka/opentelemetry`: the telemetry middleware bound to the Kafka broker (FastStream's
// `KafkaTelemetryMiddleware`). Its `broker` brand makes attaching it to another broker a type error, and a
// ConfigurationError at construction when types were bypassed (FastStream #2773).
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { kafkaTelemetryProvider } from "./telemetry.js";

export class KafkaTelemetryMiddleware extends TelemetryMiddleware<"kafka"> {
  constructor(options: TelemetryOptions = {}) {
    super(kafkaTelemetryProvider, options);
  }
}

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
