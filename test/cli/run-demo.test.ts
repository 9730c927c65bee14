// The issue's acceptance on the project's own demo (examples/demo/app.ts): `postline run --workers 2` over
// RabbitMQ shares the chain's messages between two processes, each reaching the end of the chain once, and
// SIGTERM drains them, also with messages in flight (a later run finishes those, none twice); `postline docs
// gen` writes a document @asyncapi/parser accepts; `postline docs serve` shows the chain in Chromium.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Parser } from "@asyncapi/parser";
import amqp from "amqplib";
import { afterAll, afterEach, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { silentLogger } from "../../src/index.js";
import { RabbitBroker } from "../../src/rabbit/index.js";
import { launchChromium } from "./chromium.js";
import { exitOf } from "./child-processes.js";
import { RABBIT_URL, waitForOutput, type RunProcess } from "./run-helpers.js";

const demo = "examples/demo/app.ts";
const steps = ["first", "second", "third"] as const;
// The demo's own choices made explicit: RabbitMQ here, and no span export from a test.
const env = { POSTLINE_RABBIT_URL: RABBIT_URL, POSTLINE_DEMO_BROKER: "rabbit", OTEL_TRACES_EXPORTER: "none" };
// This run's exchanges and queues (`<prefix>first` ... and their `.demo` group queues), deleted afterwards.
const prefix = `postline-demo-test-${randomUUID().slice(0, 8)}.`;
const directory = mkdtempSync(join(tmpdir(), "postline-demo-docs-"));
const running: RunProcess[] = [];

// tsx runs the CLI in a child process of its own, and the supervisor forks the workers: killing the process we
// started would leave those running, so each command gets a process group and cleanup kills the group.
afterEach(() => {
  for (const run of running.splice(0)) {
    try {
      process.kill(-run.child.pid!, "SIGKILL");
    } catch {
      // ESRCH: the whole group has exited already.
    }
  }
});

afterAll(async () => {
  rmSync(directory, { recursive: true, force: true });
  const connection = await amqp.connect(RABBIT_URL);
  try {
    // Deleting a queue or exchange that was never declared is no error in RabbitMQ (a test that failed early).
    const channel = await connection.createChannel();
    for (const step of steps) {
      await channel.deleteQueue(`${prefix}${step}.demo`);
      await channel.deleteExchange(`${prefix}${step}`);
    }
  } finally {
    await connection.close();
  }
});

const root = fileURLToPath(new URL("../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/tsx/dist/cli.mjs", import.meta.url));

/** The CLI from source, as child-processes.ts starts it, but in a process group of its own (see afterEach). */
function postline(args: readonly string[]): RunProcess {
  const child = spawn(process.execPath, [tsx, "--conditions=postline-source", "src/cli/main.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (output += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (output += text));
  const started = { child, output: () => output };
  running.push(started);
  return started;
}

/** What reached the end of the chain: each text with the workers that handled it there, in order. */
function arrivals(...runs: readonly RunProcess[]): Map<string, number[]> {
  const byText = new Map<string, number[]>();
  for (const run of runs) {
    for (const [, worker, text] of run.output().matchAll(/^worker (\d+): "third" handled "([^"]*)"$/gm)) {
      byText.set(text!, [...(byText.get(text!) ?? []), Number(worker)]);
    }
  }
  return byText;
}

async function sendTexts(texts: readonly string[]): Promise<void> {
  const broker = new RabbitBroker({ url: RABBIT_URL, logger: silentLogger });
  try {
    await broker.connect();
    for (const text of texts) await broker.publish(text, `${prefix}first`);
  } finally {
    await broker.close();
  }
}

async function startWorkers(): Promise<RunProcess> {
  const service = postline(["run", demo, "--workers", "2", "--", "--broker", "rabbit", "--prefix", prefix]);
  // A worker reports "started" once its subscribers consume, so nothing published afterwards is missed.
  await waitForOutput(service, /worker 1 \(pid \d+\) started/);
  await waitForOutput(service, /worker 2 \(pid \d+\) started/);
  return service;
}

const texts = (tag: string, count: number): string[] => Array.from({ length: count }, (_, index) => `${tag}-${index}`);

test("postline run --workers 2 shares the demo chain between two processes and drains on SIGTERM", async () => {
  const service = await startWorkers();
  const idle = texts("idle", 40);
  await sendTexts(idle);
  await expect.poll(() => idle.filter((text) => arrivals(service).has(text)).length, { timeout: 30_000 }).toBe(idle.length);
  const first = arrivals(service);
  // Every text once at the end of the chain, and both workers took part.
  expect(idle.filter((text) => first.get(text)?.length !== 1)).toEqual([]);
  expect(new Set(idle.flatMap((text) => first.get(text)!))).toEqual(new Set([1, 2]));

  // SIGTERM with messages in flight: each worker finishes what it handles, hands back what waits, and exits.
  const busy = texts("busy", 40);
  await sendTexts(busy);
  await expect.poll(() => busy.filter((text) => arrivals(service).has(text)).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  const stoppedAt = Date.now();
  service.child.kill("SIGTERM");
  expect(await exitOf(service.child, 30_000, service.output)).toBe(0);
  const drainMs = Date.now() - stoppedAt;
  expect(service.output()).toContain("postline run: stopping 2 workers");
  expect(service.output()).toContain("postline run: all workers stopped");
  // The slowest step takes 100 ms: a drain of seconds would mean a handler or a channel was waited out.
  expect(drainMs).toBeLessThan(15_000);

  // What was left in the queues is finished by the next run, and nothing is handled a second time (a lost
  // ack at shutdown would bring a message back to a step it had passed).
  const next = await startWorkers();
  await expect.poll(() => busy.filter((text) => arrivals(service, next).has(text)).length, { timeout: 30_000 }).toBe(busy.length);
  const all = arrivals(service, next);
  const notOnce = [...idle, ...busy].filter((text) => all.get(text)?.length !== 1);
  expect(notOnce, `not handled exactly once: ${notOnce.map((text) => `${text} by workers ${all.get(text)?.join(", ") ?? "none"}`).join("; ")}`).toEqual([]);
  expect([...all.keys()].filter((text) => !text.startsWith("idle-") && !text.startsWith("busy-"))).toEqual([]);
  next.child.kill("SIGTERM");
  expect(await exitOf(next.child, 30_000, next.output)).toBe(0);
}, 150_000);

test("postline docs gen documents the demo chain, and @asyncapi/parser accepts the document", async () => {
  const out = join(directory, "asyncapi.yaml");
  const gen = postline(["docs", "gen", demo, "--out", out]);
  expect(await exitOf(gen.child, 30_000, gen.output)).toBe(0);
  expect(gen.output()).toMatch(/postline docs: wrote .*asyncapi\.yaml \(AsyncAPI 3\.0\.0, 3 channels, 5 operations\)/);
  const text = readFileSync(out, "utf8");
  const document = parseYaml(text) as {
    info: { title: string; description: string };
    servers: Record<string, { protocol: string }>;
    channels: Record<string, { address: string }>;
    operations: Record<string, { action: string; title?: string }>;
  };
  expect(document.info.title).toBe("Postline demo chain on rabbit");
  expect(document.info.description).toContain("first → second → third");
  expect(Object.values(document.servers).map((server) => server.protocol)).toEqual(["amqp"]);
  expect(Object.values(document.channels).map((channel) => channel.address)).toEqual(["first", "second", "third"]);
  expect(Object.fromEntries(Object.entries(document.operations).map(([id, operation]) => [id, operation.action]))).toEqual({
    first: "receive",
    second: "receive",
    third: "receive",
    "send.second": "send",
    "send.third": "send",
  });
  // Severity 0 is an error and 1 a warning (Spectral's); the parser's note that AsyncAPI 3.1 exists is a 2.
  const { diagnostics } = await new Parser().parse(text);
  expect(diagnostics.filter((diagnostic) => Number(diagnostic.severity) < 2)).toEqual([]);
}, 60_000);

test("postline docs serve shows the demo chain's channels and operations in Chromium", async () => {
  const serve = postline(["docs", "serve", demo, "--port", "0"]);
  const [, url] = await waitForOutput(serve, /the AsyncAPI page is on (http:\/\/\S+\/)/);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(url!, { timeout: 15_000 });
    expect(await page.title()).toBe("Postline demo chain on rabbit · AsyncAPI");
    expect(await page.locator("section.channel h3.address").allTextContents()).toEqual(["first", "second", "third"]);
    expect(await page.locator(".operation.receive strong").allTextContents()).toEqual(["First step", "Second step", "Third step"]);
    expect(await page.locator(".operation.send strong").allTextContents()).toEqual(["send.second", "send.third"]);
    const second = page.locator("section.channel", { has: page.locator("h3.address", { hasText: /^second$/ }) });
    expect(JSON.parse((await second.locator(".operation.receive pre.payload").textContent())!)).toMatchObject({ type: "string" });
  } finally {
    await browser.close();
  }
  serve.child.kill("SIGINT");
  expect(await exitOf(serve.child, 10_000, serve.output)).toBe(0);
}, 60_000);
