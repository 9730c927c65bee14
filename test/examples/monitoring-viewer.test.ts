// The seed's Visualization section without Docker: the monitoring example's three services export over OTLP/gRPC
// (the seed's protocol) into `postline traces`, and the page in headless Chromium shows an order's trace across
// the three services, its custom spans, and the invalid order's trace marked as failed.
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startViewerProcess, type ViewerProcess } from "../cli/child-processes.js";
import { launchChromium } from "../cli/chromium.js";
import { startExampleExportingOtlp, type ExampleProcess } from "./example-process.js";
import { deleteExampleTopology } from "./rabbit-cleanup.js";
import { requireTcp } from "./reachability.js";

const prefix = `monitoring-viewer-${randomUUID().slice(0, 8)}.`;
const wait = { timeout: 15_000 };
let viewer: ViewerProcess | undefined;
let example: ExampleProcess | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  await requireTcp("RabbitMQ", "127.0.0.1", 5672, "the example's default broker must be running (guest/guest)");
  viewer = await startViewerProcess();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  example = await startExampleExportingOtlp(viewer.grpcEndpoint, prefix);
}, 90_000);

afterAll(async () => {
  await example?.stop(20_000);
  await browser?.close();
  if (viewer !== undefined) expect(await viewer.stop()).toBe(0);
  await deleteExampleTopology("amqp://guest:guest@127.0.0.1:5672", prefix);
}, 60_000);

function traceIdOf(kind: string): string {
  const pattern = new RegExp(`order: posted ${kind} order [\\w-]+ \\(round 1, trace ([0-9a-f]{32})\\)`);
  const traceId = example!.matches(pattern)[0]?.[1];
  if (traceId === undefined) throw new Error(`the example printed no ${kind} order with a trace id:\n${example!.tail()}`);
  return traceId;
}

/** Waits until the viewer holds `count` spans of the trace: each service exports on its own schedule. */
async function complete(traceId: string, count: number): Promise<void> {
  const url = new URL(`/api/traces/${traceId}`, viewer!.pageUrl);
  await expect
    .poll(async () => {
      const response = await fetch(url);
      return response.ok ? ((await response.json()) as { spans: unknown[] }).spans.length : 0;
    }, { timeout: 20_000 })
    .toBe(count);
}

it("an order's trace on the page: HTTP root, three services, the custom spans; the invalid order marked", { timeout: 60_000 }, async () => {
  const normal = traceIdOf("normal");
  const invalid = traceIdOf("invalid");
  await complete(normal, 10);
  await page.goto(viewer!.pageUrl, wait);

  const item = page.locator(`.trace-item[data-trace-id="${normal}"]`);
  await item.waitFor(wait);
  expect(await item.innerText()).toContain("POST /orders");
  await item.click();
  const rows = page.locator(".wf-row");
  await expect.poll(() => rows.count(), wait).toBe(10);
  const names = await rows.locator(".wf-span-name").allTextContents();
  expect(names[0]).toBe("POST /orders");
  expect(names).toEqual(expect.arrayContaining(["validate order", "process trade", "send notification", `send ${prefix}orders`, `send ${prefix}trades`, `send ${prefix}notifications`]));
  expect(names).toHaveLength(10);
  for (const service of ["order", "trade", "notification"]) expect(await page.locator(".trace-header").innerText()).toContain(service);

  await rows.filter({ hasText: "send notification" }).click();
  const details = page.locator("#span-details");
  await details.waitFor(wait);
  const tier = details.locator("tr", { has: page.locator("th", { hasText: /^customer\.tier$/ }) });
  expect(await tier.locator("td").innerText(wait)).toBe("gold");

  const failed = page.locator(`.trace-item[data-trace-id="${invalid}"]`);
  await failed.locator(".error-marker").waitFor(wait);
  await failed.click();
  await page.locator(".wf-row.error").first().waitFor(wait);
  expect(await page.locator(".wf-row.error .wf-span-name").allTextContents()).toContain("validate order");
});
