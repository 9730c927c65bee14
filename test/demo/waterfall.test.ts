// The demo's span collector and terminal waterfall, on spans from a real SDK tracer provider.
import { setTimeout as sleep } from "node:timers/promises";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { expect, test } from "vitest";
import { TraceCollector } from "../../examples/demo/trace-collector.js";
import { renderWaterfall } from "../../examples/demo/waterfall.js";

function tracerWith(collector: TraceCollector) {
  const provider = new TracerProvider({ resource: resourceFromAttributes({ "service.name": "waterfall-test" }), spanProcessors: [collector] });
  return provider.getTracer("test");
}

/** send → process → send, like one hop of the seed chain, with `open` left running. */
function hop(collector: TraceCollector) {
  const tracer = tracerWith(collector);
  const send = tracer.startSpan("send first", { kind: SpanKind.PRODUCER });
  const sent = trace.setSpan(context.active(), send);
  const process = tracer.startSpan("process first", { kind: SpanKind.CONSUMER }, sent);
  const next = tracer.startSpan("send second", { kind: SpanKind.PRODUCER }, trace.setSpan(sent, process));
  return { send, process, next };
}

test("a trace is handed over once no span is open and none has ended for the quiet period", async () => {
  const completed: (readonly ReadableSpan[])[] = [];
  const collector = new TraceCollector({ quietMs: 30, onTraceComplete: (spans) => completed.push(spans) });
  const { send, process, next } = hop(collector);
  send.end();
  next.end();
  await sleep(60);
  expect(completed).toEqual([]); // "process first" is still open
  process.end();
  await sleep(60);
  expect(completed.map((spans) => spans.map((span) => span.name))).toEqual([["send first", "send second", "process first"]]);
  expect(collector.takePending()).toEqual([]);
});

test("takePending returns what has not been handed over, and forgets it", () => {
  const collector = new TraceCollector();
  const { send, process, next } = hop(collector);
  for (const span of [send, next, process]) span.end();
  const pending = collector.takePending();
  expect(pending).toHaveLength(1);
  expect(pending[0]).toHaveLength(3);
  expect(collector.takePending()).toEqual([]);
});

for (const width of [80, 100, 120]) {
  test(`the waterfall nests spans in start order and fits ${width} columns`, () => {
    const collector = new TraceCollector();
    const { send, process, next } = hop(collector);
    for (const span of [send, next, process]) span.end();
    const [spans] = collector.takePending();
    const lines = renderWaterfall(spans!, { width }).split("\n");
    expect(lines[0]).toMatch(/^trace [0-9a-f]{32} · 3 spans · \d+\.\d ms/);
    const heading = lines.findIndex((line) => line.startsWith("span "));
    const rows = lines.slice(heading + 1).map((line) => /^(.*?\S) {2,}(producer|consumer)(?: {2,}waterfall-test)? +[\d.]+ ms +[\d.]+ ms {2}( *)[█▏]+$/.exec(line));
    expect(rows.map((row) => row?.[1])).toEqual(["send first", "└─ process first", "   └─ send second"]);
    expect(rows.map((row) => row?.[2])).toEqual(["producer", "consumer", "producer"]);
    // The service is on every row, or, when a narrow terminal needs the room, once in the summary.
    const summary = lines.slice(0, heading).join(" · ");
    expect(lines.slice(heading + 1).every((line) => line.includes("waterfall-test")) || summary.endsWith("· service waterfall-test")).toBe(true);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(width);
  });
}
