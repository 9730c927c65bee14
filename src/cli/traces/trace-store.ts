// The last N traces, in memory. Spans of one trace arrive in several exports (each service exports its own,
// batch processors flush on a timer), so a trace is keyed by id and grows; the trace that changed last is
// the last to be evicted.
import type { ViewerSpan } from "./span-model.js";

export interface StoredTrace {
  readonly traceId: string;
  /** By span id: a span exported twice (an exporter retrying) is kept once. */
  readonly spans: Map<string, ViewerSpan>;
}

export class TraceStore {
  readonly #maxTraces: number;
  // A Map iterates in insertion order; re-inserting a trace on update makes the first entry the stalest.
  readonly #traces = new Map<string, StoredTrace>();
  #version = 0;

  constructor(maxTraces: number) {
    if (!Number.isInteger(maxTraces) || maxTraces < 1) throw new RangeError(`maxTraces must be a positive integer, got ${maxTraces}`);
    this.#maxTraces = maxTraces;
  }

  /** Grows on every change, so that a poller can tell that nothing happened without comparing traces. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#traces.size;
  }

  add(spans: readonly ViewerSpan[]): void {
    if (spans.length === 0) return;
    for (const span of spans) {
      const trace = this.#traces.get(span.traceId) ?? { traceId: span.traceId, spans: new Map<string, ViewerSpan>() };
      trace.spans.set(span.spanId, span);
      this.#traces.delete(span.traceId);
      this.#traces.set(span.traceId, trace);
    }
    for (const traceId of this.#traces.keys()) {
      if (this.#traces.size <= this.#maxTraces) break;
      this.#traces.delete(traceId);
    }
    this.#version += 1;
  }

  get(traceId: string): StoredTrace | undefined {
    return this.#traces.get(traceId.toLowerCase());
  }

  traces(): IterableIterator<StoredTrace> {
    return this.#traces.values();
  }

  /** A span of any stored trace, to resolve links that point outside the trace at hand. */
  findSpan(traceId: string, spanId: string): ViewerSpan | undefined {
    return this.#traces.get(traceId)?.spans.get(spanId);
  }

  clear(): void {
    this.#traces.clear();
    this.#version += 1;
  }
}
