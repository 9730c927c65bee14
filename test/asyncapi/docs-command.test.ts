// `postline docs gen` writes the document of a module's App as JSON or YAML (valid for @asyncapi/parser);
// `postline docs serve` shows it as a page, checked in headless Chromium; a missing module or export is a
// readable failure with exit code 1.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Parser } from "@asyncapi/parser";
import { parse as parseYaml } from "yaml";
import { afterAll, afterEach, expect, test } from "vitest";
import { launchChromium } from "../cli/chromium.js";
import { exitOf, startSource } from "../cli/child-processes.js";
import { stopChild, waitForOutput, type RunProcess } from "../cli/run-helpers.js";

// Severity 0 is an error and 1 a warning (Spectral's DiagnosticSeverity).
const fixture = "test/asyncapi/fixtures/shop-module.ts";
const directory = mkdtempSync(join(tmpdir(), "postline-docs-"));
const running: RunProcess[] = [];

afterEach(() => {
  for (const run of running.splice(0)) stopChild(run);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function docs(args: readonly string[]): RunProcess {
  const started = startSource(["src/cli/main.ts", "docs", ...args]);
  running.push(started);
  return started;
}

test("docs gen writes JSON and YAML documents that @asyncapi/parser accepts", async () => {
  const parser = new Parser();
  for (const name of ["asyncapi.json", "asyncapi.yaml"]) {
    const out = join(directory, name);
    const gen = docs(["gen", fixture, "--out", out]);
    expect(await exitOf(gen.child, 30_000, gen.output)).toBe(0);
    expect(gen.output()).toMatch(new RegExp(`postline docs: wrote .*${name.replace(".", "\\.")} \\(AsyncAPI 3\\.0\\.0, \\d+ channels, \\d+ operations\\)`));
    const text = readFileSync(out, "utf8");
    const document = (name.endsWith(".json") ? JSON.parse(text) : parseYaml(text)) as { info: { title: string }; servers: Record<string, { protocol: string }> };
    expect(document.info.title).toBe("Shop on rabbit");
    expect(Object.values(document.servers)[0]!.protocol).toBe("amqp");
    const { diagnostics } = await parser.parse(text);
    expect(diagnostics.filter((diagnostic) => Number(diagnostic.severity) < 2)).toEqual([]);
  }
}, 60_000);

test("docs gen prints to standard output by default and documents a named export", async () => {
  const gen = docs(["gen", fixture, "--export", "shop", "--format", "yaml"]);
  expect(await exitOf(gen.child, 30_000, gen.output)).toBe(0);
  expect(gen.output()).toMatch(/^asyncapi: "3\.0\.0"\ninfo:\n {2}title: Shop on rabbit/);
}, 30_000);

test("a missing module or export fails readably with exit code 1; bad options with 2", async () => {
  const noModule = docs(["gen", "test/asyncapi/fixtures/nothing.ts"]);
  expect(await exitOf(noModule.child, 30_000, noModule.output)).toBe(1);
  expect(noModule.output()).toContain("postline docs: cannot find the module test/asyncapi/fixtures/nothing.ts");
  const noExport = docs(["gen", fixture, "--export", "app"]);
  expect(await exitOf(noExport.child, 30_000, noExport.output)).toBe(1);
  expect(noExport.output()).toContain('has no export named "app" (its exports that could be: default, shop)');
  const noAction = docs(["show", fixture]);
  expect(await exitOf(noAction.child, 30_000, noAction.output)).toBe(2);
  expect(noAction.output()).toContain('unknown action "show": use gen or serve');
}, 60_000);

test("docs serve shows the channels, operations and message schemas in Chromium", async () => {
  const serve = docs(["serve", fixture, "--port", "0"]);
  const [, url] = await waitForOutput(serve, /the AsyncAPI page is on (http:\/\/\S+\/)/);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url!);
    expect(await page.title()).toBe("Shop on rabbit · AsyncAPI");
    const addresses = await page.locator("section.channel h3.address").allTextContents();
    expect(addresses).toEqual(expect.arrayContaining(["orders", "orders.audit", "prices", "confirmations", "alerts", "billing.shipments", "billing.delivered"]));
    const orders = page.locator("section.channel", { has: page.locator("h3.address", { hasText: /^orders$/ }) });
    await expect.poll(() => orders.locator(".operation.receive strong").first().textContent()).toBe("Take orders");
    const payload = await orders.locator("pre.payload").first().textContent();
    expect(JSON.parse(payload!)).toMatchObject({ properties: { quantity: { type: "integer" } }, required: ["id", "quantity"] });
    expect(await page.locator(".operation.reply").count()).toBe(1);
    const json = await (await fetch(new URL("asyncapi.json", url))).json();
    expect(json).toMatchObject({ asyncapi: "3.0.0" });
  } finally {
    await browser.close();
  }
  serve.child.kill("SIGINT");
  expect(await exitOf(serve.child, 10_000, serve.output)).toBe(0);
}, 60_000);
