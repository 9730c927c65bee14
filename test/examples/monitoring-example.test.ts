// The monitoring example end to end: `npm run example` over RabbitMQ exporting to a real Zipkin server
// (`npm run zipkin:start`), each order's trace read back through Zipkin's API, and the services' /metrics
// scraped for the names the Grafana dashboard queries.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { dashboardExpressions, monitoringDir, namesInExposition, namesInQueries } from "./dashboard-queries.js";
import { ExampleProcess } from "./example-process.js";
import { completeOrder, expectCompleteOrderTrace, expectInvalidOrderTrace, failedOrder } from "./order-trace.js";
import { deleteExampleTopology } from "./rabbit-cleanup.js";
import { freePorts, requireHttp, requireTcp } from "./reachability.js";
import { ZipkinApi } from "./zipkin-api.js";

const zipkin = new ZipkinApi(process.env.POSTLINE_ZIPKIN_URL ?? "http://127.0.0.1:9411");
const rabbitUrl = "amqp://guest:guest@127.0.0.1:5672";
// Destinations of this run alone: another run of the example on the same RabbitMQ cannot take its messages.
const prefix = `monitoring-test-${randomUUID().slice(0, 8)}.`;
const traceWaitMs = 20_000;

interface Posted {
  readonly orderId: string;
  readonly traceId: string;
}

let example: ExampleProcess | undefined;
let httpPort = 0;
let metricsPorts: number[] = [];
const startup = new Map<string, Posted>();

function running(): ExampleProcess {
  if (example === undefined) throw new Error("the example did not start");
  return example;
}

beforeAll(async () => {
  await requireHttp("Zipkin", `${zipkin.baseUrl}/health`, "start it with `npm run zipkin:start`");
  await requireTcp("RabbitMQ", "127.0.0.1", 5672, "the example's default broker must be running (guest/guest)");
  const ports = await freePorts(4);
  httpPort = ports[0]!;
  metricsPorts = ports.slice(1);
  example = new ExampleProcess(["--rounds", "1", "--http-port", String(httpPort), "--metrics-port", String(ports[1])], {
    ...process.env,
    MONITORING_PREFIX: prefix,
    OTEL_TRACES_EXPORTER: "zipkin",
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkin.baseUrl}/api/v2/spans`,
    // Spans reach Zipkin within a fraction of a second instead of the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: "200",
    OTEL_METRICS_EXPORTER: "prometheus",
    OTEL_EXPORTER_PROMETHEUS_HOST: "127.0.0.1",
    OTEL_LOG_LEVEL: "warn",
  });
  await example.waitFor(/order: start-up orders done/, 45_000);
  for (const [, kind, orderId, traceId] of example.matches(/order: posted ([\w-]+) order ([\w-]+) \(round 1, trace ([0-9a-f]{32})\)/)) {
    startup.set(kind!, { orderId: orderId!, traceId: traceId! });
  }
}, 60_000);

afterAll(async () => {
  await example?.stop(20_000);
  await deleteExampleTopology(rabbitUrl, prefix);
}, 40_000);

describe("the monitoring example over RabbitMQ, traced into Zipkin", () => {
  it("posts the start-up orders over HTTP: a normal one, a long symbol and quantity -1", () => {
    expect([...startup.keys()].sort(), running().tail()).toEqual(["invalid", "long-symbol", "normal"]);
  });

  it("makes each valid order one connected trace: HTTP root → order → trade → notification, custom spans included", async () => {
    for (const [kind, quantity, tier] of [["normal", 10, "gold"], ["long-symbol", 3, "standard"]] as const) {
      const posted = startup.get(kind)!;
      const spans = await zipkin.waitForTrace(posted.traceId, completeOrder, traceWaitMs);
      expect(spans.length, `the ${kind} order's trace ${posted.traceId} in Zipkin; the example's output:\n${running().tail()}`).toBeGreaterThan(0);
      expectCompleteOrderTrace(spans, { prefix, orderId: posted.orderId, quantity, tier });
    }
  }, 60_000);

  it("records the invalid order as error spans and a rejected message, with nothing downstream", async () => {
    const posted = startup.get("invalid")!;
    const spans = await zipkin.waitForTrace(posted.traceId, failedOrder, traceWaitMs);
    expect(spans.length, `the invalid order's trace ${posted.traceId} in Zipkin; the example's output:\n${running().tail()}`).toBeGreaterThan(0);
    expectInvalidOrderTrace(spans, { prefix, orderId: posted.orderId, quantity: -1, tier: "standard" });
  }, 30_000);

  it("carries an HTTP client's order and its tier as baggage through the three services", async () => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ symbol: "MSFT", quantity: 7, tier: "gold" }),
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(202);
    const posted = (await response.json()) as Posted;
    expect(posted.traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await zipkin.waitForTrace(posted.traceId, completeOrder, traceWaitMs);
    expectCompleteOrderTrace(spans, { prefix, orderId: posted.orderId, quantity: 7, tier: "gold" });
  }, 30_000);

  it("lets Zipkin find a message's trace by its conversation id (the order id)", async () => {
    const posted = startup.get("normal")!;
    await zipkin.waitForTrace(posted.traceId, completeOrder, traceWaitMs);
    const traces = await zipkin.search("trade", `messaging.message.conversation_id=${posted.orderId}`);
    expect(traces.map((spans) => spans[0]?.traceId)).toEqual([posted.traceId]);
    expect(await zipkin.services()).toEqual(expect.arrayContaining(["order", "trade", "notification"]));
  }, 30_000);

  it("rejects a malformed order at the HTTP edge with 400 and the issues", async () => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ symbol: "", quantity: 1.5 }),
      signal: AbortSignal.timeout(5000),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { issues: { path: string[] }[] };
    expect(body.issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["symbol", "quantity"]));
  });

  it("exports every metric and label the Grafana dashboard queries on the services' /metrics", async () => {
    const scraped = { metrics: new Set<string>(), labels: new Set<string>() };
    for (const port of metricsPorts) {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
      expect(response.status, `GET /metrics on ${port}`).toBe(200);
      const names = namesInExposition(await response.text());
      names.metrics.forEach((name) => scraped.metrics.add(name));
      names.labels.forEach((name) => scraped.labels.add(name));
    }
    const queried = namesInQueries(dashboardExpressions());
    for (const metric of [...queried.metrics].filter((name) => name.startsWith("messaging_"))) {
      expect([...scraped.metrics], `the dashboard's ${metric}`).toContain(metric);
    }
    for (const pattern of queried.nameRegexes) expect([...scraped.metrics].some((name) => pattern.test(name)), `a metric matching ${String(pattern)}`).toBe(true);
    // Labels Prometheus adds itself, and those of Tempo's span metrics (its dimensions, dots → underscores).
    const tempo = parse(readFileSync(`${monitoringDir}tempo/tempo.yaml`, "utf8")) as { metrics_generator: { processor: { span_metrics: { dimensions: string[] } } } };
    const tempoLabels = ["service", "span_name", "span_kind", "status_code", ...tempo.metrics_generator.processor.span_metrics.dimensions.map((name) => name.replaceAll(".", "_"))];
    const known = new Set([...scraped.labels, "job", "instance", "le", ...tempoLabels]);
    for (const label of queried.labels) expect([...known], `the dashboard's label ${label}`).toContain(label);
    // The invalid order's failure is on the process duration, as the error panels expect.
    expect(scraped.labels).toContain("error_type");
  }, 30_000);

  it("stops the three services gracefully on SIGTERM", async () => {
    const code = await running().stop(20_000);
    const output = running().output;
    expect(code, output.slice(-3000)).toBe(0);
    for (const service of ["order", "trade", "notification"]) expect(output).toMatch(new RegExp(`^${service}\\s+│ .*application stopped$`, "m"));
    expect(output).toContain("monitoring example: stopped");
  }, 30_000);
});
