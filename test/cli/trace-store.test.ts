// The in-memory store: spans of one trace from several exports make one trace, the last N traces stay,
// and the trace that changed last is the last to go.
import { expect, test } from "vitest";
import type { ViewerSpan } from "../../src/cli/traces/span-model.js";
import { spansInTreeOrder, summarize } from "../../src/cli/traces/trace-summary.js";
import { TraceStore } from "../../src/cli/traces/trace-store.js";

function span(traceId: string, spanId: string, parentSpanId = "", startNs = 0n, service = "svc"): ViewerSpan {
  return {
    traceId,
    spanId,
    parentSpanId,
    name: `span ${spanId}`,
    kind: "internal",
    startNs,
    endNs: startNs + 10n,
    status: { code: "unset", message: "" },
    service,
    scope: "",
    attributes: {},
    resource: {},
    events: [],
    links: [],
  };
}

test("spans of one trace arriving in several exports make one trace; a re-sent span is kept once", () => {
  const store = new TraceStore(10);
  store.add([span("t1", "a")]);
  store.add([span("t1", "b", "a"), span("t1", "a")]);
  expect(store.size).toBe(1);
  expect([...(store.get("t1")?.spans.keys() ?? [])]).toEqual(["a", "b"]);
});

test("only the last N traces are kept; a trace that receives spans counts as recent again", () => {
  const store = new TraceStore(2);
  store.add([span("t1", "a")]);
  store.add([span("t2", "a")]);
  store.add([span("t1", "b", "a")]);
  store.add([span("t3", "a")]);
  expect([...store.traces()].map((trace) => trace.traceId)).toEqual(["t1", "t3"]);
});

test("every change moves the version on, so that the page can poll cheaply", () => {
  const store = new TraceStore(2);
  const before = store.version;
  store.add([]);
  expect(store.version).toBe(before);
  store.add([span("t1", "a")]);
  expect(store.version).toBe(before + 1);
});

test("tree order: depth first, siblings by start; a child that started in the same tick as its parent comes after it", () => {
  const store = new TraceStore(1);
  // "c" and its parent "b" start at the same nanosecond, and "c" is received first.
  store.add([span("t", "c", "b", 5n), span("t", "b", "a", 5n), span("t", "d", "a", 3n), span("t", "a", "", 0n), span("t", "orphan", "missing", 1n)]);
  const trace = store.get("t");
  if (trace === undefined) throw new Error("no trace");
  expect(spansInTreeOrder(trace).map((s) => s.spanId)).toEqual(["a", "d", "b", "c", "orphan"]);
  expect(summarize(trace)).toMatchObject({ root: { spanId: "a" }, spanCount: 5, startNs: 0n, endNs: 15n });
});

test("a positive whole number of traces is required", () => {
  expect(() => new TraceStore(0)).toThrow(RangeError);
});
