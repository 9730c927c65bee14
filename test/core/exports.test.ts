import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { expect, test } from "vitest";

// Runs against the compiled package (npm test builds it with tsc first), through its own `exports` map, in a
// fresh Node process: what users import, as they import it.
const root = new URL("../../", import.meta.url);

function importInFreshNode(script: string): string {
  if (!existsSync(new URL("dist/index.js", root))) throw new Error("dist/ is missing: run `npm run build` (npm test does)");
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
}

const recordOtelLoads = `
import { registerHooks } from "node:module";
const loaded = new Set();
registerHooks({ resolve(specifier, context, next) {
  const result = next(specifier, context);
  if (result.url.includes("/@opentelemetry/")) loaded.add(result.url.split("/node_modules/")[1].split("/").slice(0, 2).join("/"));
  return result;
} });
`;

test("every subpath export resolves and exposes its main names", () => {
  const output = importInFreshNode(`
    const core = await import("postline");
    const memory = await import("postline/memory");
    const memoryOtel = await import("postline/memory/opentelemetry");
    const otel = await import("postline/opentelemetry");
    const testing = await import("postline/testing");
    console.log(JSON.stringify([typeof core.App, typeof core.Broker, typeof memory.MemoryBroker, typeof memoryOtel.MemoryTelemetryMiddleware, typeof otel.TelemetryMiddleware, typeof testing.testBroker]));
  `);
  expect(JSON.parse(output)).toEqual(["function", "function", "function", "function", "function", "function"]);
});

test("no OpenTelemetry code loads unless a telemetry middleware is imported", () => {
  const output = importInFreshNode(`${recordOtelLoads}
    await import("postline");
    await import("postline/memory");
    await import("postline/testing");
    const before = [...loaded];
    await import("postline/memory/opentelemetry");
    console.log(JSON.stringify({ before, after: [...loaded].sort() }));
  `);
  const { before, after } = JSON.parse(output) as { before: string[]; after: string[] };
  expect(before).toEqual([]);
  expect(after).toEqual(expect.arrayContaining(["@opentelemetry/api", "@opentelemetry/core"]));
});
