// `postline/memory/opentelemetry`: the telemetry middleware bound to the in-process broker.
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { memoryTelemetry } from "./telemetry.js";

export class MemoryTelemetryMiddleware extends TelemetryMiddleware<"memory"> {
  constructor(options: TelemetryOptions = {}) {
    super(memoryTelemetry, options);
  }
}

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
