// The JSON the page reads. Times become milliseconds as doubles: a span's offset from its trace's start and
// its duration are small enough to keep sub-microsecond precision, and the trace's start fits as epoch ms.
import type { Attributes, SpanKindName, StatusCodeName, ViewerSpan } from "./span-model.js";
import { spansInTreeOrder, summarize, type TraceSummary } from "./trace-summary.js";
import type { StoredTrace, TraceStore } from "./trace-store.js";

export interface TraceSummaryJson {
  readonly traceId: string;
  readonly rootName: string;
  readonly rootService: string;
  readonly services: readonly string[];
  readonly spanCount: number;
  readonly errorCount: number;
  readonly startMs: number;
  readonly durationMs: number;
}

export interface SpanRefJson {
  readonly traceId: string;
  readonly spanId: string;
  /** The linked span's name and service when it is in the store, so the page can offer to open it. */
  readonly name?: string;
  readonly service?: string;
}

export interface SpanJson {
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly service: string;
  readonly scope: string;
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly status: { readonly code: StatusCodeName; readonly message: string };
  readonly attributes: Attributes;
  readonly resource: Attributes;
  readonly events: readonly { readonly name: string; readonly offsetMs: number; readonly attributes: Attributes }[];
  readonly links: readonly (SpanRefJson & { readonly attributes: Attributes })[];
  /** Spans of any stored trace that link to this one: the other end of a batch's links. */
  readonly linkedFrom: readonly SpanRefJson[];
}

export interface TraceJson extends TraceSummaryJson {
  readonly spans: readonly SpanJson[];
}

const ms = (ns: bigint): number => Number(ns) / 1e6;

export function traceSummaryJson(summary: TraceSummary): TraceSummaryJson {
  return {
    traceId: summary.traceId,
    rootName: summary.root?.name ?? "",
    rootService: summary.root?.service ?? "",
    services: summary.services,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    startMs: ms(summary.startNs),
    durationMs: ms(summary.endNs - summary.startNs),
  };
}

/** Newest trace first. */
export function traceListJson(store: TraceStore): TraceSummaryJson[] {
  return [...store.traces()]
    .map(summarize)
    .sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0))
    .map(traceSummaryJson);
}

export function traceJson(trace: StoredTrace, store: TraceStore): TraceJson {
  const summary = summarize(trace);
  const linkedFrom = backlinks(store);
  const ref = (traceId: string, spanId: string): SpanRefJson => {
    const span = store.findSpan(traceId, spanId);
    return span === undefined ? { traceId, spanId } : { traceId, spanId, name: span.name, service: span.service };
  };
  const spanJson = (span: ViewerSpan): SpanJson => ({
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    service: span.service,
    scope: span.scope,
    offsetMs: ms(span.startNs - summary.startNs),
    durationMs: ms(span.endNs - span.startNs),
    status: span.status,
    attributes: span.attributes,
    resource: span.resource,
    events: span.events.map((event) => ({ name: event.name, offsetMs: ms(event.timeNs - summary.startNs), attributes: event.attributes })),
    links: span.links.map((link) => ({ ...ref(link.traceId, link.spanId), attributes: link.attributes })),
    linkedFrom: (linkedFrom.get(`${trace.traceId}/${span.spanId}`) ?? []).map((source) => ref(source.traceId, source.spanId)),
  });
  return { ...traceSummaryJson(summary), spans: spansInTreeOrder(trace).map(spanJson) };
}

function backlinks(store: TraceStore): Map<string, ViewerSpan[]> {
  const sources = new Map<string, ViewerSpan[]>();
  for (const trace of store.traces()) {
    for (const span of trace.spans.values()) {
      for (const link of span.links) {
        const key = `${link.traceId}/${link.spanId}`;
        sources.set(key, [...(sources.get(key) ?? []), span]);
      }
    }
  }
  return sources;
}
