// Makes the pictures of docs/observability.md: the viewer with the monitoring example's traces (three
// services over RabbitMQ, one round of start-up orders). Not a test; run it by hand with RabbitMQ up:
//   node node_modules/tsx/dist/cli.mjs --conditions=postline-source test/cli/screenshot-viewer.ts
// It writes docs/images/trace-viewer.png (a waterfall with a span open) and trace-viewer-map.png.
import { launchChromium } from "./chromium.js";
import { exitOf, startSource } from "./child-processes.js";
import { startViewer } from "../../src/cli/traces/viewer.js";

const viewer = await startViewer({ host: "127.0.0.1", port: 0, httpPort: 0, grpcPort: 0, maxTraces: 50 });
// Ports away from the defaults, so that a running example or another test does not collide with this one.
const example = startSource(["examples/monitoring/launch.ts", "--rounds", "1", "--http-port", "8123", "--metrics-port", "9523"], {
  OTEL_TRACES_EXPORTER: "otlp",
  OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
  OTEL_EXPORTER_OTLP_ENDPOINT: viewer.grpcEndpoint,
  OTEL_METRICS_EXPORTER: "none",
});
try {
  // One round posts two good orders (10 spans each, three services) and an invalid one.
  const deadline = Date.now() + 60_000;
  const complete = () => [...viewer.store.traces()].filter((trace) => trace.spans.size === 10).length;
  while (complete() < 2 || viewer.store.size < 3) {
    if (Date.now() > deadline) throw new Error(`the example's traces did not arrive; its output:\n${example.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
} finally {
  example.child.kill("SIGINT");
  await exitOf(example.child, 20_000, example.output);
}

const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(viewer.pageUrl);
  // A full order (HTTP root, order → trade → notification) with its notification span open; the round's
  // order with an overlong symbol would fill the picture with its text, so it is not the one.
  const notification = [...viewer.store.traces()]
    .flatMap((trace) => [...trace.spans.values()])
    .find((span) => span.name === "send notification" && typeof span.attributes.text === "string" && !span.attributes.text.includes("LONGSYMBOL"));
  if (notification === undefined) throw new Error("no notification span of a regular order");
  await page.goto(`${viewer.pageUrl}/#/trace/${notification.traceId}/${notification.spanId}`);
  await page.locator("#span-details").waitFor({ timeout: 10_000 });
  await page.screenshot({ path: "docs/images/trace-viewer.png" });
  await page.locator(".tab", { hasText: "Service map" }).click();
  await page.locator(".map-node").first().waitFor({ timeout: 10_000 });
  await page.screenshot({ path: "docs/images/trace-viewer-map.png", clip: { x: 340, y: 50, width: 1100, height: 360 } });
} finally {
  await browser.close();
  await viewer.close();
}
