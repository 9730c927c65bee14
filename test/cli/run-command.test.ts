// `postline run` of a TypeScript module with TC39 decorators over RabbitMQ: served in the CLI's process, drained
// on SIGTERM (a message in progress finishes and is acknowledged); the module's own arguments after `--`; and
// the readable failures: a missing module or export, bad options.
import { afterEach, expect, test } from "vitest";
import { exitOf } from "./child-processes.js";
import { drainQueueInfo, publishNumbers, startRun, stopChild, uniqueQueue, waitForOutput, type RunProcess } from "./run-helpers.js";

const fixture = "test/cli/fixtures/rabbit-app.ts";
const running: RunProcess[] = [];

afterEach(() => {
  for (const run of running.splice(0)) stopChild(run);
});

function run(args: readonly string[]): RunProcess {
  const started = startRun(args);
  running.push(started);
  return started;
}

test("runs a decorated TypeScript app over RabbitMQ and drains the message in progress on SIGTERM", async () => {
  const queue = uniqueQueue("drain");
  const service = run([fixture, "--", "--queue", queue, "--handle-ms", "1500"]);
  await waitForOutput(service, /postline run: test\/cli\/fixtures\/rabbit-app\.ts started \(pid (\d+)\)/);
  await publishNumbers(queue, [1]);
  await waitForOutput(service, /handling 1 in \d+/, 10_000);
  service.child.kill("SIGTERM");
  expect(await exitOf(service.child, 20_000, service.output)).toBe(0);
  const output = service.output();
  // The handler finished after the signal, and the app stopped after it.
  expect(output.indexOf("handled 1")).toBeGreaterThan(output.indexOf("handling 1"));
  expect(output.indexOf("postline run: stopped")).toBeGreaterThan(output.indexOf("handled 1"));
  // Acknowledged, not requeued: the connection closes only after the consumer's channel has (RabbitConsumer.close).
  expect(await drainQueueInfo(queue)).toBe(0);
}, 60_000);

test("a missing module fails with its path and exit code 1", async () => {
  const missing = run(["test/cli/fixtures/no-such-app.ts"]);
  expect(await exitOf(missing.child, 30_000, missing.output)).toBe(1);
  expect(missing.output()).toMatch(/^postline run: cannot find the module test\/cli\/fixtures\/no-such-app\.ts \(looked for \/.*no-such-app\.ts\)\s*$/);
});

test("a missing export fails naming the exports there are, with exit code 1", async () => {
  const missing = run([fixture, "--export", "service", "--", "--queue", uniqueQueue("export")]);
  expect(await exitOf(missing.child, 30_000, missing.output)).toBe(1);
  expect(missing.output()).toContain('rabbit-app.ts has no export named "service"');
  expect(missing.output()).toContain("(its exports that could be: app, default); choose one with --export <name>");
});

test("usage errors exit with 2 and point at --help; --help describes the options", async () => {
  const noModule = run([]);
  expect(await exitOf(noModule.child, 30_000, noModule.output)).toBe(2);
  expect(noModule.output()).toContain("postline run: which module? e.g. postline run ./src/app.ts");
  const badWorkers = run([fixture, "--workers", "0"]);
  expect(await exitOf(badWorkers.child, 30_000, badWorkers.output)).toBe(2);
  expect(badWorkers.output()).toContain('--workers must be a whole number from 1 to 256, got "0"');
  const unknown = run([fixture, "--queue", "x"]);
  expect(await exitOf(unknown.child, 30_000, unknown.output)).toBe(2);
  expect(unknown.output()).toMatch(/--queue[\s\S]*the app's own options go after "--"[\s\S]*See "postline run --help"/);
  const help = run(["--help"]);
  expect(await exitOf(help.child, 30_000, help.output)).toBe(0);
  for (const option of ["--export", "--workers", "--reload", "--watch", "--log-level", "POSTLINE_WORKER"]) expect(help.output()).toContain(option);
}, 60_000);
