// The page's controller: reads the route from the URL hash (#/, #/trace/<id>[/<span id>], #/map), polls the
// API for new traces, and redraws only the parts whose data changed, so a selection or a scroll position
// survives the polling.
import { api } from "./api.js";
import { h } from "./dom.js";
import { serviceMapView } from "./service-map.js";
import { spanDetails } from "./span-details.js";
import { renderTraceList } from "./trace-list.js";
import { traceHeader, waterfall } from "./waterfall.js";

const pollMs = 1500;
const elements = {
  list: document.getElementById("trace-list"),
  count: document.getElementById("trace-count"),
  content: document.getElementById("content"),
  filter: document.getElementById("filter"),
  endpoints: document.getElementById("endpoints"),
};
const state = { version: -1, traces: [], info: undefined, trace: undefined, mapVersion: -1 };

function route() {
  const [view = "", traceId, spanId] = location.hash.replace(/^#\/?/, "").split("/");
  if (view === "map") return { view: "map" };
  if (view === "trace" && traceId) return { view: "trace", traceId, spanId };
  return { view: "home" };
}

function drawList() {
  const { traceId } = route();
  const shown = renderTraceList(elements.list, state.traces, { selectedTraceId: traceId, filter: elements.filter.value });
  elements.count.textContent = shown === state.traces.length ? `${state.traces.length}` : `${shown} of ${state.traces.length}`;
}

function drawTabs() {
  const current = route().view === "map" ? "map" : "traces";
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === current);
}

async function drawContent({ refetch }) {
  const current = route();
  if (current.view === "map") {
    if (refetch || state.mapVersion !== state.version) {
      const map = await api.serviceMap();
      state.mapVersion = map.version;
      elements.content.replaceChildren(serviceMapView(map));
    }
    return;
  }
  if (current.view === "home") {
    elements.content.replaceChildren(homeView());
    return;
  }
  const summary = state.traces.find((trace) => trace.traceId === current.traceId);
  const stale = state.trace?.traceId !== current.traceId || (summary && (summary.spanCount !== state.trace.spanCount || summary.durationMs !== state.trace.durationMs));
  if (refetch || stale) state.trace = await api.trace(current.traceId);
  if (state.trace === undefined) {
    elements.content.replaceChildren(h("div", { class: "placeholder" }, h("h1", {}, "Trace not in memory"), h("p", { class: "muted" }, `No trace ${current.traceId} here: it was never received, or older traces pushed it out.`)));
    return;
  }
  const selected = state.trace.spans.find((span) => span.spanId === current.spanId);
  elements.content.replaceChildren(traceHeader(state.trace), waterfall(state.trace, current.spanId), selected ? spanDetails(selected, state.trace.traceId) : h("p", { class: "hint muted" }, "Click a span to see its attributes, events and links."));
}

function homeView() {
  const http = state.info?.httpEndpoint ?? "http://127.0.0.1:4318";
  const grpc = state.info?.grpcEndpoint;
  const example = (protocol, endpoint) => `OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} \\\n  OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint} node app.js`;
  return h(
    "div",
    { class: "placeholder" },
    h("h1", {}, state.traces.length === 0 ? "Waiting for traces" : "Pick a trace"),
    h("p", { class: "muted" }, state.traces.length === 0 ? "Point an application's OpenTelemetry exporter at this viewer:" : "Choose one in the list, or send more with:"),
    h("pre", {}, [grpc && example("grpc", grpc), example("http/protobuf", http), example("http/json", http)].filter(Boolean).join("\n\n")),
  );
}

async function poll() {
  try {
    const list = await api.traces();
    if (list.version !== state.version) {
      state.version = list.version;
      state.traces = list.traces;
      drawList();
      await drawContent({ refetch: false });
    }
    document.body.classList.remove("offline");
  } catch {
    // The viewer was stopped or restarted; keep what is on screen and try again.
    document.body.classList.add("offline");
  }
  setTimeout(() => void poll(), pollMs);
}

async function start() {
  state.info = await api.info().catch(() => undefined);
  if (state.info) {
    elements.endpoints.replaceChildren(
      h("span", {}, "OTLP/HTTP ", h("code", {}, state.info.httpEndpoint)),
      state.info.grpcEndpoint && h("span", {}, "OTLP/gRPC ", h("code", {}, state.info.grpcEndpoint)),
    );
  }
  window.addEventListener("hashchange", () => {
    drawTabs();
    drawList();
    void drawContent({ refetch: route().view === "map" });
  });
  elements.filter.addEventListener("input", drawList);
  drawTabs();
  await poll();
}

void start();
