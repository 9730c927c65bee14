// `postline/confluent/opentelemetry`: the telemetry middleware bound to the librdkafka Kafka broker. Same class
// name as `postline/kafka/opentelemetry`'s, as in FastStream (`faststream.confluent.opentelemetry`), but branded
// "confluent": attaching it to another broker (also `postline/kafka`) is a type error, and a ConfigurationError
// at construction when types were bypassed (FastStream #2773).
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { confluentTelemetryProvider } from "./telemetry.js";

export class KafkaTelemetryMiddleware extends TelemetryMiddleware<"confluent"> {
  constructor(options: TelemetryOptions = {}) {
    super(confluentTelemetryProvider, options);
  }
}

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
