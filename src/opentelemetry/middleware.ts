import { SpanStatusCode, context, trace, type Span } from "@opentelemetry/api";
import { SettlementSignal, type MessageContext, type Middleware, type PublishCommand, type PublishNext, type PublishOutcome, type TelemetryProvider } from "../core/index.js";
import { ATTR, SCHEMA_URL_CURRENT, SCHEMA_URL_FASTSTREAM } from "../core/telemetry/semconv.js";
import { POSTLINE_VERSION } from "../core/version.js";
import { hrTimeAt } from "./clock.js";
import { ContextCarrier } from "./context-carrier.js";
import { ensureContextManager } from "./context-manager.js";
import type { Convention, ConventionSetup, Operation } from "./convention.js";
import { CurrentConvention } from "./current-convention.js";
import { FaststreamConvention } from "./faststream-convention.js";
import { MessagingMetrics } from "./metrics.js";
import { duplicatePreviousKeys, type SemconvMode, type TelemetryOptions } from "./options.js";
import { resolvePropagator } from "./propagation.js";
import { reportFailure } from "./report.js";

function errorTypeOf(error: unknown): string {
  return error instanceof Error ? error.constructor.name || error.name : "_OTHER";
}

/**
 * The broker-agnostic telemetry middleware (TELEMETRY.md). Each adapter exports it bound to its attribute
 * provider as `<Broker>TelemetryMiddleware`. This is the lifecycle both conventions share: wrapping a publish
 * and a handled message, timing, settlement, errors, hooks and metrics; which spans are made is the
 * convention's (`current-convention.ts`, `faststream-convention.ts`). It never throws into user code: a
 * telemetry failure is reported through the OTel diagnostic logger and the message goes on untraced.
 */
export class TelemetryMiddleware<BrokerKind extends string = string> implements Middleware<BrokerKind> {
  readonly broker: BrokerKind;
  readonly #options: TelemetryOptions;
  readonly #convention: Convention;
  readonly #metrics: MessagingMetrics;

  constructor(provider: TelemetryProvider, options: TelemetryOptions = {}) {
    this.broker = provider.broker as BrokerKind;
    this.#options = options;
    const mode: SemconvMode = options.semconv ?? "current";
    if (mode !== "current" && mode !== "faststream") {
      throw new TypeError(`semconv must be "current" or "faststream", got ${JSON.stringify(mode)}`);
    }
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
    const setup: ConventionSetup = {
      tracer:
        mode === "faststream"
          ? tracerProvider.getTracer("opentelemetry.instrumentation.faststream", POSTLINE_VERSION, { schemaUrl: SCHEMA_URL_FASTSTREAM })
          : tracerProvider.getTracer("postline", POSTLINE_VERSION, { schemaUrl: SCHEMA_URL_CURRENT }),
      provider,
      options,
      carrier: new ContextCarrier(resolvePropagator(options.propagator)),
      duplicatePrevious: duplicatePreviousKeys(),
    };
    this.#convention = mode === "faststream" ? new FaststreamConvention(setup) : new CurrentConvention(setup);
    this.#metrics = new MessagingMetrics(options.meterProvider, mode, options.includeMessagesCounters ?? true);
  }

  publish(command: PublishCommand, next: PublishNext): Promise<PublishOutcome> {
    ensureContextManager();
    let operation: Operation | undefined;
    const started = performance.now();
    try {
      if (this.#options.ignore?.(command.destination) !== true) {
        operation = this.#convention.startSend(command, started);
        if (this.#options.publishHook !== undefined) this.#hook(this.#options.publishHook, operation.span, command);
      }
    } catch (error) {
      reportFailure("publish", error);
      return next(command);
    }
    if (operation === undefined) return next(command);
    // Not an async function: a publish allocates one promise here, not an async frame and an await.
    let sending: Promise<PublishOutcome>;
    try {
      sending = context.with(operation.context, next, undefined, command);
    } catch (error) {
      this.#endSend(operation, started, error, true);
      // Whatever next() threw is passed on unchanged, as the async version of this method would.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
    return sending.then(
      (outcome) => {
        this.#endSend(operation, started, undefined, false);
        return outcome;
      },
      (error: unknown) => {
        this.#endSend(operation, started, error, true);
        throw error;
      },
    );
  }

  #endSend(operation: Operation, started: number, error: unknown, failed: boolean): void {
    const errorType = failed ? this.#recordError(operation.span, error) : undefined;
    try {
      const ended = performance.now();
      operation.span.end(hrTimeAt(ended));
      this.#metrics.recordSend((ended - started) / 1000, operation.count, operation.metrics, errorType);
    } catch (telemetryError) {
      reportFailure("end a span", telemetryError);
    }
  }

  consume(message: MessageContext, next: () => Promise<void>): Promise<void> {
    ensureContextManager();
    let operation: Operation | undefined;
    const started = performance.now();
    try {
      // next() runs outside this try: a failure in it must not look like telemetry's and run the handler twice.
      if (this.#options.ignore?.(message.subscriber.destination) !== true) {
        operation = this.#convention.startProcess(message, started);
        if (this.#options.consumeHook !== undefined) this.#hook(this.#options.consumeHook, operation.span, message.message);
      }
    } catch (error) {
      reportFailure("consume", error);
    }
    if (operation === undefined) return next();
    message.onSettled((settlement, error) => {
      try {
        const failed = error !== undefined && !(error instanceof SettlementSignal);
        const errorType = failed ? this.#recordError(operation.span, error) : undefined;
        if (settlement !== undefined) operation.span.setAttribute(ATTR.settlement, settlement.kind);
        const ended = performance.now();
        operation.span.end(hrTimeAt(ended));
        this.#metrics.recordProcess((ended - started) / 1000, operation.count, operation.metrics, errorType);
      } catch (telemetryError) {
        reportFailure("end a span", telemetryError);
      }
    });
    return context.with(operation.context, next);
  }

  #recordError(span: Span, error: unknown): string {
    const type = errorTypeOf(error);
    try {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? `${type}: ${error.message}` : String(error) });
      this.#convention.markError(span, type);
    } catch (telemetryError) {
      reportFailure("record an error", telemetryError);
    }
    return type;
  }

  /** User hooks add attributes; whatever they throw is reported, never passed on. */
  #hook<T>(hook: (span: Span, subject: T) => void, span: Span, subject: T): void {
    try {
      hook(span, subject);
    } catch (error) {
      reportFailure("run a hook", error);
    }
  }
}
