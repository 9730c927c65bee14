// `postline/rabbit/opentelemetry`: the telemetry middleware bound to RabbitMQ.
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { rabbitTelemetry } from "./telemetry.js";

export class RabbitTelemetryMiddleware extends TelemetryMiddleware<"rabbit"> {
  constructor(options: TelemetryOptions = {}) {
    // FastStream's RabbitTelemetryMiddleware leaves the message counters off; in its mode, so do we.
    super(rabbitTelemetry, { ...options, includeMessagesCounters: options.includeMessagesCounters ?? options.semconv !== "faststream" });
  }
}

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
