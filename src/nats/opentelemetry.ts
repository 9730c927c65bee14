// `postline/nats/opentelemetry`: the telemetry middleware bound to the NATS broker.
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { natsTelemetry } from "./telemetry.js";

export class NatsTelemetryMiddleware extends TelemetryMiddleware<"nats"> {
  constructor(options: TelemetryOptions = {}) {
    super(natsTelemetry, options);
  }
}

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
