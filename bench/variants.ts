// What every broker suite measures the same way: Postline untraced and traced (one subscriber that only
// counts), the comparisons between them and the raw client, and the targets on those. A suite supplies how to
// open a Postline session on its broker and its telemetry middleware; the raw client stays in the suite.
import type { Broker } from "../src/index.js";
import { compare, formatRate, median, variantResult, type Comparison, type Probe, type Session, type SuiteResult, type Target, type Variant } from "./harness.js";
import { startOtel, type OtelOptions, type Providers } from "./otel.js";

/** A small JSON body, as events usually are: Postline encodes and decodes it, raw clients get its bytes. */
export const PAYLOAD = { event: "bench", id: 42 };
export const PAYLOAD_JSON = JSON.stringify(PAYLOAD);

export const POSTLINE = "postline";
export const TRACED = "postline-traced";
export const TRACING: Comparison = { label: "tracing", variant: TRACED, against: POSTLINE };

export interface SessionOptions {
  /** The subscriber's options (prefetch, offset reset, ...). */
  readonly subscribe?: object;
  /** After start(): waits until the subscriber really receives (Kafka's partition assignment). */
  readonly ready?: () => Promise<void>;
  /** After close(): removes what the run created on the server (a topic, an exchange). */
  readonly cleanup?: () => Promise<void>;
}

/** A started broker with one subscriber whose handler does nothing but count, publishing PAYLOAD to it. */
export async function postlineSession(broker: Broker<string, object, object>, destination: string, probe: Probe, options: SessionOptions = {}): Promise<Session> {
  broker.subscriber(destination, options.subscribe).handle(() => {
    probe.handled();
    return undefined;
  });
  await broker.start();
  await options.ready?.();
  return {
    publish: () => broker.publish(PAYLOAD, destination),
    teardown: async () => {
      await broker.close();
      await options.cleanup?.();
      return undefined;
    },
  };
}

export interface PostlineSpec<M> {
  /** Opens a Postline session on the suite's broker with these middlewares (none, or the telemetry one). */
  readonly session: (probe: Probe, middlewares: readonly M[]) => Promise<Session>;
  /** The broker's telemetry middleware on the run's providers. */
  readonly telemetry: (providers: Providers) => M;
  readonly otel?: OtelOptions;
}

export function untracedVariant<M>(spec: PostlineSpec<M>, description: string): Variant {
  return { name: POSTLINE, description, setup: (probe) => spec.session(probe, []) };
}

export interface TracedOptions<M> {
  readonly name?: string;
  readonly extra?: boolean;
  /** false: the middleware gets no TracerProvider, so it uses the global no-op one. */
  readonly spans?: boolean;
  /** false: no MeterProvider, the global no-op one. */
  readonly metrics?: boolean;
  /** A counter that must count each message once; checked when metrics are on. */
  readonly counter?: string;
  /** Replaces the spec's middleware (the same middleware with other options). */
  readonly telemetry?: (providers: Providers) => M;
}

/** Postline with its telemetry middleware on a fresh SDK per run; teardown reports whether spans were dropped. */
export function tracedVariant<M>(spec: PostlineSpec<M>, description: string, options: TracedOptions<M> = {}): Variant {
  const spans = options.spans ?? true;
  const metrics = options.metrics ?? true;
  return {
    name: options.name ?? TRACED,
    description,
    extra: options.extra ?? false,
    async setup(probe) {
      const otel = startOtel(spec.otel);
      const providers: Providers = { ...(spans ? { tracerProvider: otel.tracerProvider } : {}), ...(metrics ? { meterProvider: otel.meterProvider } : {}) };
      const session = await spec.session(probe, [(options.telemetry ?? spec.telemetry)(providers)]);
      return {
        publish: session.publish,
        async teardown() {
          const notes = (await session.teardown()) ?? [];
          await otel.stop();
          const checks: string[] = [];
          if (spans) checks.push(otel.spansPerMessage(probe.count, 2));
          if (metrics && options.counter !== undefined) checks.push(`consumed counter ${(otel.metrics.counter(options.counter) / probe.count).toFixed(2)} per message (expected 1.00)`);
          return checks.length === 0 ? notes : [...notes, checks.join(", ")];
        },
      };
    },
  };
}

/** The standard pair: postline (no middleware, no OpenTelemetry registered) and postline-traced. */
export function postlineVariants<M>(spec: PostlineSpec<M>, descriptions: { readonly untraced: string; readonly traced: string }): [Variant, Variant] {
  return [untracedVariant(spec, descriptions.untraced), tracedVariant(spec, descriptions.traced)];
}

/** framework (postline vs raw), tracing (traced vs postline) and both (traced vs raw). */
export function standardComparisons(raw: string): Comparison[] {
  return [{ label: "framework", variant: POSTLINE, against: raw }, TRACING, { label: "framework + tracing", variant: TRACED, against: raw }];
}

/** Median msg/s of a variant. */
export const rate = (result: SuiteResult, name: string): number => median(variantResult(result, name).throughput);

/** µs per message that tracing adds (traced vs untraced). */
export const tracingCost = (result: SuiteResult): number => compare(result, TRACING).addedUs;

const sharePercent = (traced: number, raw: number): string => `${((traced / raw) * 100).toFixed(0)}%`;

/** Measured as "NN% (R msg/s)". */
export const shareAndRate = (traced: number, raw: number): string => `${sharePercent(traced, raw)} (${formatRate(traced)} msg/s)`;

/** Measured as "T vs R msg/s (NN%)". */
export const bothRates = (traced: number, raw: number): string => `${formatRate(traced)} vs ${formatRate(raw)} msg/s (${sharePercent(traced, raw)})`;

/** "postline traced ≥ 90% of <of>": traced throughput as a share of the raw client's. */
export function tracedShareTarget(raw: string, of: string, measured: (traced: number, raw: number) => string = sharePercent, share = 0.9): Target {
  return {
    label: `postline traced ≥ ${share * 100}% of ${of}`,
    check: (result) => {
      const traced = rate(result, TRACED);
      const rawRate = rate(result, raw);
      return { measured: measured(traced, rawRate), met: traced / rawRate >= share };
    },
  };
}

/**
 * The same share for the raw client traced by hand (bench/hand-traced.ts): the best any framework could do. When
 * this is not met either, the "traced ≥ N % of raw" target is beyond what the OpenTelemetry SDK allows here.
 */
export function handTracedBound(handTraced: string, raw: string, share = 0.9): Target {
  return {
    label: `bound: the raw client traced by hand ≥ ${share * 100}% of raw (no framework can do better)`,
    check: (result) => {
      const traced = rate(result, handTraced);
      const rawRate = rate(result, raw);
      return { measured: bothRates(traced, rawRate), met: traced / rawRate >= share };
    },
  };
}

/** Hand-traced raw vs raw, and Postline traced vs hand-traced raw: the minimum tracing cost and Postline's excess over it. */
export function handTracedComparisons(handTraced: string, raw: string): Comparison[] {
  return [
    { label: "tracing by hand on the raw client", variant: handTraced, against: raw },
    { label: "Postline traced vs the hand-traced raw client", variant: TRACED, against: handTraced },
  ];
}

/** Reports the tracing cost without a bound on it. */
export function tracingCostTarget(label: string, unit: string): Target {
  return { label, check: (result) => ({ measured: `${tracingCost(result).toFixed(2)} ${unit}`, met: true }) };
}
