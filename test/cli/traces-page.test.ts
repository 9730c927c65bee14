// The acceptance of the viewer page, in headless Chromium: `postline traces` runs as a child process, the
// demo exports its seed-chain trace to it over OTLP/gRPC, the SDK exports a failing trace, and the page
// shows them: the list, the nested waterfall, a span's attributes on click, the error marked, the map.
import { mkdir } from "node:fs/promises";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { launchChromium } from "./chromium.js";
import { runDemo, startViewerProcess, type ViewerProcess } from "./child-processes.js";
import { serviceProvider } from "./sdk-export.js";

const wait = { timeout: 15_000 };
let viewer: ViewerProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  viewer = await startViewerProcess();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  // Ctrl-C is the way to stop the viewer, and it stops cleanly.
  if (viewer !== undefined) expect(await viewer.stop()).toBe(0);
});

async function attributeOfEach(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

/** checkout: charge card (server) → authorize (client, error); payments: authorize card (server, error). */
async function exportFailingTrace(): Promise<string> {
  const endpoints = { httpEndpoint: viewer.httpEndpoint, grpcEndpoint: viewer.grpcEndpoint };
  const checkout = serviceProvider("checkout", "grpc", endpoints);
  const payments = serviceProvider("payments", "grpc", endpoints);
  const charge = checkout.getTracer("test").startSpan("charge card", { kind: SpanKind.SERVER });
  const authorize = checkout.getTracer("test").startSpan("authorize", { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), charge));
  const remote = payments.getTracer("test").startSpan("authorize card", { kind: SpanKind.SERVER }, trace.setSpan(context.active(), authorize));
  remote.recordException(new Error("card declined"));
  remote.setStatus({ code: SpanStatusCode.ERROR, message: "card declined" });
  authorize.setStatus({ code: SpanStatusCode.ERROR, message: "payments answered 402" });
  for (const span of [remote, authorize, charge]) span.end();
  await Promise.all([checkout.shutdown(), payments.shutdown()]);
  return charge.spanContext().traceId;
}

test("the demo's trace: listed, a nested 6-span waterfall, attributes on click; the failing trace marked", { timeout: 120_000 }, async () => {
  const demo = await runDemo(viewer.grpcEndpoint);
  expect(demo.code, demo.output).toBe(0);
  const demoTraceId = /trace ([0-9a-f]{32}) · 6 spans/.exec(demo.output)?.[1];
  expect(demoTraceId, demo.output).toBeDefined();
  const failingTraceId = await exportFailingTrace();

  await page.goto(viewer.pageUrl, wait);
  const demoItem = page.locator(`.trace-item[data-trace-id="${demoTraceId}"]`);
  await demoItem.waitFor(wait);
  expect(await demoItem.innerText()).toMatch(/send first[\s\S]*postline-demo[\s\S]*6 spans/);
  expect(await demoItem.locator(".error-marker").count()).toBe(0);

  await demoItem.click();
  const rows = page.locator(".wf-row");
  await expect.poll(() => rows.count(), wait).toBe(6);
  expect(await rows.locator(".wf-span-name").allTextContents()).toEqual(["send first", "process first", "send second", "process second", "send third", "process third"]);
  expect(await attributeOfEach(rows, "data-depth")).toEqual(["0", "1", "2", "3", "4", "5"]);
  expect(await rows.locator(".kind").allTextContents()).toEqual(["producer", "consumer", "producer", "consumer", "producer", "consumer"]);
  // Each bar lies within the timeline and a child's bar does not start before its parent's.
  const lefts = (await attributeOfEach(rows.locator(".wf-bar"), "style")).map((style) => parseFloat(/left: ([\d.]+)%/.exec(style ?? "")?.[1] ?? "NaN"));
  expect(lefts.every((left) => left >= 0 && left <= 100)).toBe(true);
  expect(lefts).toEqual([...lefts].sort((a, b) => a - b));

  await rows.filter({ hasText: "process second" }).click();
  const details = page.locator("#span-details");
  await details.waitFor(wait);
  expect(await details.locator("h2").innerText()).toBe("process second");
  const destination = details.locator("tr", { has: page.locator("th", { hasText: /^messaging\.destination\.name$/ }) });
  expect(await destination.locator("td").innerText(wait)).toBe("second");
  expect(page.url()).toContain(`#/trace/${demoTraceId}/`);
  await mkdir(".cache", { recursive: true });
  await page.screenshot({ path: ".cache/trace-viewer.png" });

  const failingItem = page.locator(`.trace-item[data-trace-id="${failingTraceId}"]`);
  await failingItem.locator(".error-marker").waitFor(wait);
  await failingItem.click();
  await page.locator(".wf-row.error").first().waitFor(wait);
  expect(await page.locator(".wf-row.error .wf-span-name").allTextContents()).toEqual(["authorize", "authorize card"]);
  expect(await page.locator(".trace-header .error-chip").innerText()).toBe("2 errors");
  await page.locator(".wf-row", { hasText: "authorize card" }).click();
  expect(await page.locator("#span-details .status-error").innerText(wait)).toBe("error: card declined");
  expect(await page.locator("#span-details .event").innerText()).toContain("card declined");

  await page.locator(".tab", { hasText: "Service map" }).click();
  const edge = page.locator('.map-edge[data-from="checkout"][data-to="payments"]');
  await edge.waitFor(wait);
  expect(await edge.locator("text").textContent()).toBe("1");
  expect(await attributeOfEach(page.locator(".map-node"), "data-service")).toEqual(["checkout", "payments", "postline-demo"]);
});
