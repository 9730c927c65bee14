import type { Context, Span, Tracer } from "@opentelemetry/api";
import type { MessageContext, PublishCommand, TelemetryProvider } from "../core/index.js";
import type { ContextCarrier } from "./context-carrier.js";
import type { MetricAttributeSet } from "./metrics.js";
import type { TelemetryOptions } from "./options.js";

/** What a started operation needs at its end: the lifecycle ends the span and records the metrics. */
export interface Operation {
  readonly span: Span;
  /** The context `next` runs in: the handler's, or the publish's down the chain. */
  readonly context: Context;
  readonly metrics: MetricAttributeSet;
  readonly count: number;
}

/**
 * A semantic convention: which spans a publish and a handled message make, with which names, parents, links
 * and attributes. `current-convention.ts` and `faststream-convention.ts` implement it; the lifecycle around
 * them (timing, settlement, errors, metrics, hooks) is the middleware's and the same for both.
 */
export interface Convention {
  /** Starts the spans of a publish. `started` is the `performance.now()` reading the lifecycle took. */
  startSend(command: PublishCommand, started: number): Operation;
  /** Starts the spans of a handled message or batch. */
  startProcess(message: MessageContext, started: number): Operation;
  /** Marks a failed operation's span with the convention's error attributes (the status is the lifecycle's). */
  markError(span: Span, errorType: string): void;
}

/** What the middleware hands a convention when it builds it. */
export interface ConventionSetup {
  readonly tracer: Tracer;
  readonly provider: TelemetryProvider;
  readonly options: TelemetryOptions;
  readonly carrier: ContextCarrier;
  /** `OTEL_SEMCONV_STABILITY_OPT_IN=messaging/dup`: also write the keys that 1.45 replaced. */
  readonly duplicatePrevious: boolean;
}
