// `postline run --workers 2` over RabbitMQ: two processes consume one queue as competing consumers (every
// message handled once, by both workers between them), a killed worker is started again, and SIGTERM stops
// them all after they drain.
import { afterEach, expect, test } from "vitest";
import { exitOf } from "./child-processes.js";
import { drainQueueInfo, publishNumbers, startRun, stopChild, uniqueQueue, waitForOutput, type RunProcess } from "./run-helpers.js";

const fixture = "test/cli/fixtures/rabbit-app.ts";
const running: RunProcess[] = [];

afterEach(() => {
  for (const run of running.splice(0)) stopChild(run);
});

function handledBy(output: string): Map<number, number[]> {
  const byNumber = new Map<number, number[]>();
  for (const [, n, pid] of output.matchAll(/^handled (\d+) in (\d+)$/gm)) byNumber.set(Number(n), [...(byNumber.get(Number(n)) ?? []), Number(pid)]);
  return byNumber;
}

test("two workers share a queue, a killed worker comes back, SIGTERM drains both", async () => {
  const queue = uniqueQueue("workers");
  const service = startRun([fixture, "--workers", "2", "--", "--queue", queue, "--handle-ms", "40"]);
  running.push(service);
  const first = await waitForOutput(service, /worker 1 \(pid (\d+)\) started/);
  await waitForOutput(service, /worker 2 \(pid (\d+)\) started/);

  const numbers = Array.from({ length: 40 }, (_, index) => index);
  await publishNumbers(queue, numbers);
  await expect.poll(() => handledBy(service.output()).size, { timeout: 20_000 }).toBe(numbers.length);
  const handled = handledBy(service.output());
  // Each message once, and both processes took part (prefetch 1 and 40 ms per message spread them).
  expect([...handled.values()].every((pids) => pids.length === 1)).toBe(true);
  expect(new Set([...handled.values()].flat()).size).toBe(2);

  // A crash: the supervisor notices and starts worker 1 again after its backoff.
  const crashedPid = Number(first[1]);
  const mark = service.output().length;
  process.kill(crashedPid, "SIGKILL");
  await waitForOutput(service, new RegExp(`worker 1 \\(pid ${crashedPid}\\) exited on SIGKILL; starting it again in 0\\.5 s`), 10_000, mark);
  const restarted = await waitForOutput(service, /worker 1 \(pid (\d+)\) started/, 20_000, mark);
  expect(Number(restarted[1])).not.toBe(crashedPid);

  // The restarted worker consumes too.
  const more = Array.from({ length: 10 }, (_, index) => 100 + index);
  await publishNumbers(queue, more);
  await expect.poll(() => more.every((n) => handledBy(service.output()).has(n)), { timeout: 20_000 }).toBe(true);

  service.child.kill("SIGTERM");
  expect(await exitOf(service.child, 30_000, service.output)).toBe(0);
  expect(service.output()).toContain("postline run: stopping 2 workers");
  expect(service.output()).toContain("postline run: all workers stopped");
  await drainQueueInfo(queue);
}, 90_000);

test("a worker that cannot start fails the run with exit code 1 (no restart loop)", async () => {
  const broken = startRun([fixture, "--workers", "2", "--export", "missing", "--", "--queue", uniqueQueue("broken")]);
  running.push(broken);
  expect(await exitOf(broken.child, 30_000, broken.output)).toBe(1);
  expect(broken.output()).toMatch(/postline run \(worker \d\): the module .*rabbit-app\.ts has no export named "missing"/);
  expect(broken.output()).toContain("a worker could not start; stopping 2 workers");
}, 60_000);
