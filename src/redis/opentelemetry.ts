// `postline/redis/opentelemetry`: the telemetry middleware bound to the Redis broker.
import { TelemetryMiddleware, type TelemetryOptions } from "../opentelemetry/index.js";
import { redisTelemetry } from "./telemetry.js";

export class RedisTelemetryMiddleware extends TelemetryMiddleware<"redis"> {
  constructor(options: TelemetryOptions = {}) {
    super(redisTelemetry, options);
  }
}

export { currentBaggage, currentSpan, updateBaggage, withBaggage, type TelemetryOptions } from "../opentelemetry/index.js";
