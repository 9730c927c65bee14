// Writes finished traces to stdout as waterfalls sized to the terminal.
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { renderWaterfall } from "./waterfall.js";

export async function printTraces(traces: readonly (readonly ReadableSpan[])[]): Promise<void> {
  // Resource detectors (host id, ...) may still be settling; reading attributes earlier logs a warning.
  const resources = new Set(traces.flat().map((span) => span.resource));
  await Promise.all([...resources].map((resource) => resource.waitForAsyncAttributes?.() ?? Promise.resolve()));
  // A terminal gets lines as wide as it is (within 80–120 columns); a pipe or file gets 100.
  const width = process.stdout.isTTY ? Math.min(120, Math.max(80, process.stdout.columns)) : 100;
  for (const spans of traces) console.log(`\n${renderWaterfall(spans, { width })}`);
}
