import type { MeterProvider, Span, TextMapPropagator, TracerProvider } from "@opentelemetry/api";
import type { IncomingMessage, PublishCommand } from "../core/index.js";

/** `current`: today's messaging conventions. `faststream`: what Python FastStream's middleware emits. */
export type SemconvMode = "current" | "faststream";

export interface TelemetryOptions {
  /** Defaults to the global provider (resolved lazily, so the SDK may start after the broker is built). */
  readonly tracerProvider?: TracerProvider;
  /** Defaults to the global provider, resolved at the first measurement. */
  readonly meterProvider?: MeterProvider;
  /** Default `current`. */
  readonly semconv?: SemconvMode;
  /** Record the sent/consumed message counters besides the durations (default true). */
  readonly includeMessagesCounters?: boolean;
  /**
   * `parent` (default): a message's `process` span is a child of its creation context, so one request is one
   * trace. `link`: the conventions' default; each `process` starts a new trace linked to the creation context
   * (the message's baggage is kept either way). Batches always link.
   */
  readonly consumerContext?: "parent" | "link";
  /** Defaults to the global propagator; W3C trace context + baggage when none is configured. */
  readonly propagator?: TextMapPropagator;
  /** Destinations to leave untraced (health checks, ...). */
  readonly ignore?: (destination: string) => boolean;
  /** Add attributes to `send`/`publish` spans. Errors thrown here are swallowed. */
  readonly publishHook?: (span: Span, command: PublishCommand) => void;
  /** Add attributes to `process` spans. Errors thrown here are swallowed. */
  readonly consumeHook?: (span: Span, message: IncomingMessage) => void;
}

/** `OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup` also emits the attribute keys that 1.45 replaced. */
export function duplicatePreviousKeys(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return (env.OTEL_SEMCONV_STABILITY_OPT_IN ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .includes("messaging/dup");
}
