// Service → service edges of the stored traces: a child span in another service than its parent is a call
// (or a message) from one to the other. A link to a span of another service (a batch consumer's links to
// the messages' producers) is an edge too, drawn apart, since no parent/child pair records it.
import type { TraceStore } from "./trace-store.js";

export interface ServiceEdge {
  readonly from: string;
  readonly to: string;
  readonly via: "parent" | "link";
  readonly count: number;
}

export interface ServiceMap {
  readonly services: readonly { readonly name: string; readonly spanCount: number }[];
  readonly edges: readonly ServiceEdge[];
}

export function serviceMap(store: TraceStore): ServiceMap {
  const spanCounts = new Map<string, number>();
  const edgeCounts = new Map<string, ServiceEdge>();
  const count = (from: string, to: string, via: ServiceEdge["via"]): void => {
    const key = JSON.stringify([from, to, via]);
    edgeCounts.set(key, { from, to, via, count: (edgeCounts.get(key)?.count ?? 0) + 1 });
  };
  for (const trace of store.traces()) {
    for (const span of trace.spans.values()) {
      spanCounts.set(span.service, (spanCounts.get(span.service) ?? 0) + 1);
      const parent = trace.spans.get(span.parentSpanId);
      if (parent !== undefined && parent.service !== span.service) count(parent.service, span.service, "parent");
      for (const link of span.links) {
        const linked = store.findSpan(link.traceId, link.spanId);
        if (linked !== undefined && linked.service !== span.service) count(linked.service, span.service, "link");
      }
    }
  }
  return {
    services: [...spanCounts].map(([name, spanCount]) => ({ name, spanCount })).sort((a, b) => a.name.localeCompare(b.name)),
    edges: [...edgeCounts.values()].sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
  };
}
