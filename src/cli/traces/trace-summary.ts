// What the trace list shows of a trace: its root, the services it crossed, its size, extent and errors.
import type { ViewerSpan } from "./span-model.js";
import type { StoredTrace } from "./trace-store.js";

export interface TraceSummary {
  readonly traceId: string;
  /** The earliest span whose parent is not in the trace: the true root, or the first orphan while it is missing. */
  readonly root: ViewerSpan | undefined;
  /** In order of first appearance in time. */
  readonly services: readonly string[];
  readonly spanCount: number;
  readonly errorCount: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

export function summarize(trace: StoredTrace): TraceSummary {
  const spans = spansByStart(trace);
  const root = spans.find((span) => span.parentSpanId === "" || !trace.spans.has(span.parentSpanId));
  let endNs = 0n;
  for (const span of spans) if (span.endNs > endNs) endNs = span.endNs;
  return {
    traceId: trace.traceId,
    root,
    services: [...new Set(spans.map((span) => span.service))],
    spanCount: spans.length,
    errorCount: spans.filter((span) => span.status.code === "error").length,
    startNs: spans[0]?.startNs ?? 0n,
    endNs,
  };
}

export function spansByStart(trace: StoredTrace): ViewerSpan[] {
  return [...trace.spans.values()].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
