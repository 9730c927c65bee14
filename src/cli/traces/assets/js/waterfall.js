// One trace: a header with its facts, then the waterfall, one row per span, nested by parent, each bar placed
// on the trace's time axis and colored by service. Clicking a row selects the span (through the URL).
import { serviceColor } from "./colors.js";
import { h } from "./dom.js";
import { formatClock, formatDuration } from "./format.js";
import { treeRows } from "./span-tree.js";

const tickCount = 5;

export function traceHeader(trace) {
  return h(
    "div",
    { class: "trace-header" },
    h("h1", {}, trace.rootName || "(root not received yet)", h("span", { class: "muted" }, trace.rootService)),
    h(
      "div",
      { class: "facts" },
      fact("Trace", h("code", {}, trace.traceId)),
      fact("Started", formatClock(trace.startMs)),
      fact("Duration", formatDuration(trace.durationMs)),
      fact("Spans", String(trace.spanCount)),
      fact("Services", trace.services.map((service) => h("span", { class: "service-chip" }, h("span", { class: "service-dot", style: { background: serviceColor(service) } }), service))),
      trace.errorCount > 0 && h("span", { class: "error-chip" }, `${trace.errorCount} error${trace.errorCount === 1 ? "" : "s"}`),
    ),
  );
}

function fact(label, ...value) {
  return h("span", { class: "fact" }, h("span", { class: "fact-label" }, label), value);
}

export function waterfall(trace, selectedSpanId) {
  const total = Math.max(trace.durationMs, 1e-6);
  return h(
    "div",
    { class: "waterfall", role: "tree", "aria-label": "Spans of the trace" },
    h(
      "div",
      { class: "wf-head" },
      h("div", { class: "wf-name" }, "Span"),
      h(
        "div",
        { class: "wf-timeline wf-ticks" },
        Array.from({ length: tickCount }, (_, index) => h("span", { class: "wf-tick", style: { left: `${(index / tickCount) * 100}%` } }, index === 0 ? "0" : formatDuration((total * index) / tickCount))),
      ),
    ),
    // One service: its name on every row would only crowd out the span names (the header names it).
    treeRows(trace.spans).map((row) => spanRow(row, total, row.span.spanId === selectedSpanId, trace.traceId, trace.services.length > 1)),
  );
}

function spanRow({ span, depth, childCount }, total, selected, traceId, showService) {
  const failed = span.status.code === "error";
  const left = (span.offsetMs / total) * 100;
  const width = Math.max((span.durationMs / total) * 100, 0.15);
  const color = serviceColor(span.service);
  const linkCount = span.links.length + span.linkedFrom.length;
  const open = () => (location.hash = `#/trace/${traceId}/${span.spanId}`);
  return h(
    "div",
    {
      class: `wf-row${failed ? " error" : ""}${selected ? " selected" : ""}`,
      role: "treeitem",
      "aria-level": depth + 1,
      "aria-selected": selected ? "true" : "false",
      tabindex: 0,
      dataset: { spanId: span.spanId, depth: String(depth) },
      onclick: open,
      onkeydown: (event) => event.key === "Enter" && open(),
    },
    h(
      "div",
      { class: "wf-name", style: { paddingLeft: `${10 + depth * 14}px` } },
      h("span", { class: "wf-stripe", style: { background: color } }),
      h("span", { class: "wf-twig", "aria-hidden": "true" }, childCount > 0 ? "▾" : "·"),
      failed && h("span", { class: "error-marker", title: span.status.message || "error status" }, "!"),
      h("span", { class: "wf-span-name" }, span.name),
      h("span", { class: `kind kind-${span.kind}` }, span.kind),
      linkCount > 0 && h("span", { class: "wf-links", title: `${span.links.length} link(s) out, ${span.linkedFrom.length} in` }, `⇄ ${linkCount}`),
      showService && h("span", { class: "wf-service" }, span.service),
    ),
    h(
      "div",
      { class: "wf-timeline" },
      h("div", { class: "wf-bar", style: { left: `${left}%`, width: `${width}%`, background: failed ? undefined : color } }),
      span.events.map((event) => h("span", { class: "wf-event", title: event.name, style: { left: `${(event.offsetMs / total) * 100}%` } })),
      // Right of the bar: the timeline keeps a margin for the label of a bar that ends the trace.
      h("span", { class: "wf-bar-label", style: { left: `${Math.min(left + width, 100)}%` } }, formatDuration(span.durationMs)),
    ),
  );
}
