// The package as users get it: `npm pack`, installed into an app outside the repository with only what the
// README tells a user to install, the README's code written into it as printed, type-checked and run.
import { readFileSync } from "node:fs";
import { glob } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readmeBlocks, typescriptBlockCount } from "./readme.js";
import { createScratchApp, repoRoot, runOk, type Run, type ScratchApp } from "./scratch-app.js";

let app: ScratchApp;

beforeAll(async () => {
  app = await createScratchApp();
  // The preloads the trace tests run the seed with: the seed's own code stays as printed.
  for (const [file, text] of Object.entries(preloads)) await app.write(file, text);
}, 300_000);

afterAll(async () => {
  await app?.remove();
});

const preloads = {
  // Turns what the SDK's ConsoleSpanExporter prints into one JSON line per span, for the test to read.
  "capture-spans.mjs": `
const dir = console.dir.bind(console);
console.dir = (value, options) => {
  if (value !== null && typeof value === "object" && "traceId" in value && "instrumentationScope" in value) process.stdout.write("SPAN " + JSON.stringify(value) + "\\n");
  else dir(value, options);
};
`,
  // An app that registers its own context manager first, and says at exit whether it is still the global one.
  "register-context-manager.mjs": `
import { context, diag, DiagLogLevel } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
diag.setLogger({ error: (m) => console.log("DIAG " + m), warn: (m) => console.log("DIAG " + m), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
const manager = new AsyncLocalStorageContextManager().enable();
context.setGlobalContextManager(manager);
process.on("exit", () => console.log(context._getContextManager() === manager ? "MANAGER kept" : "MANAGER replaced"));
`,
  // An app set up with NodeSDK (which registers a context manager); exporters come from the seed's provider.
  "start-node-sdk.mjs": `
import { context, diag, DiagLogLevel } from "@opentelemetry/api";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
diag.setLogger({ error: (m) => console.log("DIAG " + m), warn: (m) => console.log("DIAG " + m), info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
// The seed exports through its own provider; NodeSDK's (the global one) gets nothing, so it keeps them in memory.
const sdk = new NodeSDK({ traceExporter: new InMemorySpanExporter(), metricReaders: [], logRecordProcessors: [] });
sdk.start();
const manager = context._getContextManager();
process.on("exit", () => console.log(context._getContextManager() === manager ? "MANAGER kept" : "MANAGER replaced"));
`,
};

interface ExportedSpan {
  readonly traceId: string;
  readonly id: string;
  readonly name: string;
  readonly parentSpanContext?: { readonly spanId: string };
}

function spansOf(run: Run): ExportedSpan[] {
  return run.stdout
    .split("\n")
    .filter((line) => line.startsWith("SPAN "))
    .map((line) => JSON.parse(line.slice("SPAN ".length)) as ExportedSpan);
}

/** The seed's trace: one trace, each span's parent named. */
function expectSeedTrace(run: Run): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain('third got "Hi!"');
  const spans = spansOf(run);
  expect(spans.map((span) => span.name).sort()).toEqual(["process first", "process second", "process third", "send first", "send second", "send third", "validate"]);
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  const byName = new Map(spans.map((span) => [span.name, span]));
  const parentOf = (name: string) => spans.find((span) => span.id === byName.get(name)?.parentSpanContext?.spanId)?.name;
  expect(byName.get("send first")?.parentSpanContext).toBeUndefined();
  expect(parentOf("process first")).toBe("send first");
  expect(parentOf("validate")).toBe("process first");
  expect(parentOf("send second")).toBe("process first");
  expect(parentOf("process second")).toBe("send second");
  expect(parentOf("send third")).toBe("process second");
  expect(parentOf("process third")).toBe("send third");
}

/**
 * The seed run after `setUp` (a preload that registers the app's own context manager): the same trace, the app's
 * manager still the global one at exit, no OTel diagnostic (a duplicate registration would be one), no warning.
 */
async function expectSeedTraceInAppWithItsOwnManager(setUp: string): Promise<void> {
  const run = await app.node("dist/seed.js", { flags: ["--import", "./capture-spans.mjs", "--import", setUp] });
  expectSeedTrace(run);
  expect(run.stdout).toContain("MANAGER kept");
  expect(run.stdout).not.toContain("DIAG");
  expect(run.stderr).not.toContain("POSTLINE_CONTEXT_MANAGER");
}

describe("the packed tarball", () => {
  test("has dist/ for every subpath export, with declarations, and no sources, tests or bench", () => {
    const files = new Set(app.tarball.files.map((file) => file.path));
    const exports = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { exports: Record<string, Record<string, string>> }).exports;
    for (const [subpath, conditions] of Object.entries(exports)) {
      expect(files, `${subpath} types`).toContain(conditions.types!.replace(/^\.\//, ""));
      expect(files, `${subpath} code`).toContain(conditions.default!.replace(/^\.\//, ""));
    }
    const outside = [...files].filter((file) => !file.startsWith("dist/") && !["package.json", "README.md", "LICENSE"].includes(file));
    expect(outside).toEqual([]);
    expect([...files].filter((file) => /^dist\/(test|bench|examples|src)\//.test(file))).toEqual([]);
  });

  test("builds and types without the native Kafka client: no declaration imports @confluentinc/kafka-javascript", async () => {
    // npm leaves the optional native client out where it cannot compile it; postline's build and its users'
    // type-checks must not need it (src/confluent/native.ts declares the part of its API Postline calls).
    const declarations: string[] = [];
    for await (const file of glob("node_modules/postline/dist/**/*.d.ts", { cwd: app.dir })) declarations.push(file);
    expect(declarations.length).toBeGreaterThan(50);
    const importing = declarations.filter((file) => /(from |import\(|types=)"@confluentinc\/kafka-javascript"/.test(readFileSync(join(app.dir, file), "utf8")));
    expect(importing).toEqual([]);
  });
});

describe("the README's code in a user's app", () => {
  test("every TypeScript block of the README is one the app runs", () => {
    const files = readmeBlocks().map((block) => block.file);
    expect(files).toEqual(expect.arrayContaining(["install", "tsconfig.json", "src/seed.ts", "src/tour.ts", "src/orders.test.ts"]));
    expect(readmeBlocks().filter((block) => block.language === "ts")).toHaveLength(typescriptBlockCount());
  });

  test("type-checks with the TypeScript `npm install typescript` gives (7.x), skipLibCheck off, and builds", async () => {
    const version = await runOk("npx", ["tsc", "--version"], { cwd: app.dir });
    expect(version.stdout).toMatch(/Version 7\./);
    await runOk("npx", ["tsc", "-p", "tsconfig.json"], { cwd: app.dir, timeoutMs: 120_000 });
  }, 150_000);

  test("type-checks on TypeScript 5.9 too", async () => {
    const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    const version = await runOk(process.execPath, [tsc, "--version"], { cwd: app.dir });
    expect(version.stdout).toMatch(/Version 5\.9/);
    await runOk(process.execPath, [tsc, "-p", "tsconfig.json", "--noEmit"], { cwd: app.dir, timeoutMs: 120_000 });
  }, 150_000);

  test("Postline's own types check without Node's types (TypeScript ≥ 6's default `types: []`)", async () => {
    await app.write("tsconfig.no-node.json", `${JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { types: [], noEmit: true }, include: ["src/seed.ts", "src/tour.ts"] })}\n`);
    await runOk("npx", ["tsc", "-p", "tsconfig.no-node.json"], { cwd: app.dir, timeoutMs: 120_000 });
  }, 150_000);

  test("the seed gives one connected trace with no context manager registered by the app", async () => {
    const run = await app.node("dist/seed.js", { flags: ["--import", "./capture-spans.mjs"] });
    expectSeedTrace(run);
    // Postline registered one itself, quietly.
    expect(run.stderr).not.toContain("POSTLINE_CONTEXT_MANAGER");
  }, 60_000);

  test("the seed gives the same trace in an app that registered AsyncLocalStorageContextManager, which stays", async () => {
    await expectSeedTraceInAppWithItsOwnManager("./register-context-manager.mjs");
  }, 60_000);

  test("the tour runs as a service and stops on SIGTERM", async () => {
    const run = await app.node("dist/tour.js", { stopWhen: (output) => output.includes("admin.ping answered pong") && (output.match(/order received/g) ?? []).length === 2 && output.includes("2 events") });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.code, output).toBe(0);
    expect(output).toContain("admin.ping answered pong");
    expect(output).toContain("received SIGTERM");
    expect(output).toContain("application stopped");
  }, 60_000);

  test("the testing example passes under vitest", async () => {
    const run = await runOk("npx", ["vitest", "run", "src"], { cwd: app.dir, timeoutMs: 120_000 });
    expect(run.stdout).toMatch(/1 passed/);
  }, 150_000);

  test("an adapter whose client is not installed fails with MissingPeerDependencyError naming it", async () => {
    await app.write(
      "peers.mjs",
      `for (const [subpath, client] of [["postline/kafka", "@platformatic/kafka"], ["postline/confluent", "@confluentinc/kafka-javascript"], ["postline/rabbit", "amqplib"], ["postline/nats", "@nats-io/transport-node"], ["postline/redis", "ioredis"], ["postline/mqtt", "mqtt"]]) {
  try { await import(subpath); console.log(subpath + " loaded"); }
  catch (error) { console.log(JSON.stringify({ subpath, client, name: error.name, names: error.message.includes(client) })); }
}
`,
    );
    const run = await app.node("peers.mjs");
    expect(run.code, run.stderr).toBe(0);
    const results = run.stdout.trim().split("\n").map((line) => JSON.parse(line) as { subpath: string; name: string; names: boolean });
    expect(results).toHaveLength(6);
    for (const result of results) expect(result, result.subpath).toMatchObject({ name: "MissingPeerDependencyError", names: true });
  }, 60_000);

  // Last: it installs the NodeSDK, which the README's own set-up does not use.
  test("the seed gives the same trace in an app set up with NodeSDK, whose context manager stays", async () => {
    await app.npm(["install", "@opentelemetry/sdk-node@^0.301.0"]);
    await expectSeedTraceInAppWithItsOwnManager("./start-node-sdk.mjs");
  }, 300_000);
});
