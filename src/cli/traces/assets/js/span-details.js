// The selected span: its facts, attributes, events, links both ways and resource.
import { serviceColor } from "./colors.js";
import { h } from "./dom.js";
import { formatDuration, formatValue, shortId } from "./format.js";

export function spanDetails(span, traceId) {
  const failed = span.status.code === "error";
  return h(
    "section",
    { id: "span-details", class: "span-details", dataset: { spanId: span.spanId } },
    h(
      "header",
      { class: "details-head" },
      h("span", { class: "service-dot", style: { background: serviceColor(span.service) } }),
      h("h2", {}, span.name),
      h("span", { class: `kind kind-${span.kind}` }, span.kind),
      h("a", { class: "close", href: `#/trace/${traceId}`, title: "Close", "aria-label": "Close the span's details" }, "×"),
    ),
    h(
      "dl",
      { class: "details-facts" },
      item("Service", span.service),
      item("Status", h("span", { class: failed ? "status-error" : "" }, span.status.code + (span.status.message ? `: ${span.status.message}` : ""))),
      item("Start", `+${formatDuration(span.offsetMs)}`),
      item("Duration", formatDuration(span.durationMs)),
      item("Span id", h("code", {}, span.spanId)),
      item("Parent", span.parentSpanId === "" ? "none (root)" : h("code", {}, span.parentSpanId)),
      span.scope && item("Scope", span.scope),
    ),
    section(`Attributes`, Object.keys(span.attributes).length, keyValues(span.attributes)),
    span.events.length > 0 && section("Events", span.events.length, span.events.map(eventBlock)),
    span.links.length > 0 && section("Links", span.links.length, h("ul", { class: "link-list" }, span.links.map((link) => linkItem(link, "→")))),
    span.linkedFrom.length > 0 && section("Linked from", span.linkedFrom.length, h("ul", { class: "link-list" }, span.linkedFrom.map((link) => linkItem(link, "←")))),
    h("details", { class: "resource" }, h("summary", {}, `Resource (${Object.keys(span.resource).length})`), keyValues(span.resource)),
  );
}

function item(label, value) {
  return h("div", {}, h("dt", {}, label), h("dd", {}, value));
}

function section(title, count, ...content) {
  return h("div", { class: "details-section" }, h("h3", {}, title, h("span", { class: "count" }, String(count))), content);
}

function keyValues(attributes) {
  const keys = Object.keys(attributes).sort();
  if (keys.length === 0) return h("p", { class: "muted" }, "none");
  return h(
    "table",
    { class: "kv" },
    h("tbody", {}, keys.map((key) => h("tr", {}, h("th", {}, key), h("td", {}, valueCell(key, attributes[key]))))),
  );
}

// Stack traces keep their lines; everything else is one value per cell.
function valueCell(key, value) {
  const text = formatValue(value);
  return key.endsWith("stacktrace") || text.includes("\n") ? h("pre", {}, text) : text;
}

function eventBlock(event) {
  return h("div", { class: "event" }, h("div", { class: "event-head" }, h("strong", {}, event.name), h("span", { class: "muted" }, `+${formatDuration(event.offsetMs)}`)), keyValues(event.attributes));
}

function linkItem(link, arrow) {
  const label = link.name === undefined ? `span ${shortId(link.spanId)} (not received)` : `${link.name} · ${link.service}`;
  return h(
    "li",
    {},
    h("span", { class: "muted" }, arrow),
    link.name === undefined ? h("span", {}, label) : h("a", { href: `#/trace/${link.traceId}/${link.spanId}` }, label),
    h("span", { class: "muted" }, ` trace ${shortId(link.traceId)}`),
    link.attributes && Object.keys(link.attributes).length > 0 && keyValues(link.attributes),
  );
}
