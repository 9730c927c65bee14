// What the trace list shows of a trace: its root, the services it crossed, its size, extent and errors.
import type { ViewerSpan } from "./span-model.js";
import type { StoredTrace } from "./trace-store.js";

export interface TraceSummary {
  readonly traceId: string;
  /** The earliest span whose parent is not in the trace: the true root, or the first orphan while it is missing. */
  readonly root: ViewerSpan | undefined;
  /** In order of first appearance in the span tree, the root's service first. */
  readonly services: readonly string[];
  readonly spanCount: number;
  readonly errorCount: number;
  readonly startNs: bigint;
  readonly endNs: bigint;
}

export function summarize(trace: StoredTrace): TraceSummary {
  const spans = spansInTreeOrder(trace);
  const root = spans[0];
  let endNs = 0n;
  for (const span of spans) if (span.endNs > endNs) endNs = span.endNs;
  return {
    traceId: trace.traceId,
    root,
    services: [...new Set(spans.map((span) => span.service))],
    spanCount: spans.length,
    errorCount: spans.filter((span) => span.status.code === "error").length,
    startNs: spans.reduce((earliest, span) => (span.startNs < earliest ? span.startNs : earliest), root?.startNs ?? 0n),
    endNs,
  };
}

/**
 * Depth first from the roots, siblings by start time: the waterfall's order. Start times alone cannot give
 * it, since a parent and its child often start within the same clock tick. A span whose parent has not
 * arrived (yet, or at all) counts as a root, so that nothing received is hidden.
 */
export function spansInTreeOrder(trace: StoredTrace): ViewerSpan[] {
  const byStart = [...trace.spans.values()].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
  const children = new Map<string, ViewerSpan[]>();
  const roots: ViewerSpan[] = [];
  for (const span of byStart) {
    if (!trace.spans.has(span.parentSpanId)) {
      roots.push(span);
      continue;
    }
    const siblings = children.get(span.parentSpanId);
    if (siblings === undefined) children.set(span.parentSpanId, [span]);
    else siblings.push(span);
  }
  const ordered: ViewerSpan[] = [];
  // An explicit stack: a deep trace (a long chain of hops) must not exhaust the call stack.
  const stack = [...roots].reverse();
  for (let span = stack.pop(); span !== undefined; span = stack.pop()) {
    ordered.push(span);
    stack.push(...(children.get(span.spanId) ?? []).toReversed());
  }
  // Spans in a parent cycle (malformed ids) are reachable from no root; they still get shown, at the end.
  if (ordered.length < byStart.length) {
    const placed = new Set(ordered);
    ordered.push(...byStart.filter((span) => !placed.has(span)));
  }
  return ordered;
}
