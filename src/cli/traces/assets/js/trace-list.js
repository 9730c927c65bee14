// The sidebar: one entry per trace, newest first, with its root span, services, size, duration and errors.
import { serviceColor } from "./colors.js";
import { h } from "./dom.js";
import { formatClock, formatDuration } from "./format.js";

export function renderTraceList(list, traces, { selectedTraceId, filter }) {
  const needle = filter.trim().toLowerCase();
  const shown = needle === "" ? traces : traces.filter((trace) => [trace.rootName, trace.traceId, ...trace.services].some((text) => text.toLowerCase().includes(needle)));
  list.replaceChildren(...shown.map((trace) => traceItem(trace, trace.traceId === selectedTraceId)));
  if (shown.length === 0) list.append(h("li", { class: "trace-list-empty muted" }, traces.length === 0 ? "No traces yet." : "No trace matches."));
  return shown.length;
}

function traceItem(trace, selected) {
  const failed = trace.errorCount > 0;
  return h(
    "li",
    { class: `trace-item${selected ? " selected" : ""}${failed ? " has-error" : ""}`, dataset: { traceId: trace.traceId } },
    h(
      "a",
      { href: `#/trace/${trace.traceId}` },
      h(
        "div",
        { class: "trace-item-line" },
        failed && h("span", { class: "error-marker", title: `${trace.errorCount} span(s) with an error status` }, "!"),
        h("span", { class: "trace-root" }, trace.rootName || "(root not received yet)"),
        h("span", { class: "trace-duration" }, formatDuration(trace.durationMs)),
      ),
      h(
        "div",
        { class: "trace-item-line muted" },
        h("span", { class: "service-dots" }, trace.services.map((service) => h("span", { class: "service-dot", title: service, style: { background: serviceColor(service) } }))),
        h("span", { class: "trace-services" }, trace.services.join(", ")),
        h("span", { class: "trace-meta" }, `${trace.spanCount} span${trace.spanCount === 1 ? "" : "s"} · ${formatClock(trace.startMs)}`),
      ),
    ),
  );
}
