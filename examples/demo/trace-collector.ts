// Keeps the finished spans in memory, grouped by trace, for the terminal waterfall.
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";

export interface TraceCollectorOptions {
  /**
   * Called with a trace once it looks complete: none of its spans is still open and no new span has ended
   * for `quietMs`. Without it, traces wait for `takePending()`.
   */
  readonly onTraceComplete?: (spans: readonly ReadableSpan[]) => void;
  /** Default 1 s: longer than the pause between two hops of a chain. */
  readonly quietMs?: number;
}

interface PendingTrace {
  readonly spans: ReadableSpan[];
  open: number;
  timer: NodeJS.Timeout | undefined;
}

export class TraceCollector implements SpanProcessor {
  readonly #traces = new Map<string, PendingTrace>();
  readonly #onTraceComplete: ((spans: readonly ReadableSpan[]) => void) | undefined;
  readonly #quietMs: number;

  constructor(options: TraceCollectorOptions = {}) {
    this.#onTraceComplete = options.onTraceComplete;
    this.#quietMs = options.quietMs ?? 1000;
  }

  onStart(span: Span): void {
    const pending = this.#pending(span.spanContext().traceId);
    pending.open += 1;
    clearTimeout(pending.timer);
  }

  onEnd(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const pending = this.#pending(traceId);
    pending.spans.push(span);
    pending.open = Math.max(0, pending.open - 1);
    if (this.#onTraceComplete === undefined || pending.open > 0) return;
    clearTimeout(pending.timer);
    pending.timer = setTimeout(() => {
      this.#traces.delete(traceId);
      this.#onTraceComplete?.(pending.spans);
    }, this.#quietMs);
    // A trace still waiting here must not keep the process alive: `takePending()` prints it at shutdown.
    pending.timer.unref();
  }

  /** Every trace not handed out yet, oldest first; the collector forgets them. */
  takePending(): ReadableSpan[][] {
    const traces = [...this.#traces.values()].filter((pending) => pending.spans.length > 0);
    for (const pending of this.#traces.values()) clearTimeout(pending.timer);
    this.#traces.clear();
    return traces.map((pending) => pending.spans).sort((a, b) => earliestStart(a) - earliestStart(b));
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  #pending(traceId: string): PendingTrace {
    let pending = this.#traces.get(traceId);
    if (pending === undefined) {
      pending = { spans: [], open: 0, timer: undefined };
      this.#traces.set(traceId, pending);
    }
    return pending;
  }
}

function earliestStart(spans: readonly ReadableSpan[]): number {
  return Math.min(...spans.map((span) => span.startTime[0] * 1e3 + span.startTime[1] / 1e6));
}
