// `postline run --reload`: an edit restarts the app, the old process draining (its shutdown hooks finish)
// before the new one starts; an edit that breaks the module waits for the next one instead of looping.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";
import { exitOf } from "./child-processes.js";
import { startRun, stopChild, waitForOutput, type RunProcess } from "./run-helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const running: RunProcess[] = [];
const directories: string[] = [];

afterEach(() => {
  for (const run of running.splice(0)) stopChild(run);
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

// Inside the package, so that `postline` resolves to it; decorators, so that tsx is what runs it.
function appSource(version: string): string {
  return `import { App, silentLogger } from "postline";
import { MemoryBroker } from "postline/memory";

const broker = new MemoryBroker({ logger: silentLogger });
class Ticks {
  @broker.subscriber("ticks")
  tick(_body: unknown): void {}
}
new Ticks();

export default new App(broker, {
  logger: silentLogger,
  afterStartup: () => console.log("started ${version} in " + process.pid),
  onShutdown: async () => {
    console.log("draining ${version}");
    await new Promise((resolve) => setTimeout(resolve, 300));
    console.log("drained ${version}");
  },
});
`;
}

test("an edit restarts the app after the old process has drained; a broken edit waits for the next", async () => {
  const directory = mkdtempSync(join(root, "test/cli/fixtures/reload-"));
  directories.push(directory);
  const file = join(directory, "app.ts");
  writeFileSync(file, appSource("v1"));
  const service = startRun([relative(root, file), "--reload", "--watch", relative(root, directory)]);
  running.push(service);
  await waitForOutput(service, /started v1 in \d+/);

  writeFileSync(file, appSource("v2"));
  await waitForOutput(service, /app\.ts changed: restarting the worker/, 10_000);
  await waitForOutput(service, /started v2 in \d+/, 30_000);
  const output = service.output();
  expect(output.indexOf("drained v1")).toBeGreaterThan(-1);
  expect(output.indexOf("drained v1")).toBeLessThan(output.indexOf("started v2"));

  writeFileSync(file, `${appSource("v3")}\nthis is not TypeScript (\n`);
  await waitForOutput(service, /worker 1 could not start \(exited with code 1\); waiting for a change/, 30_000);
  writeFileSync(file, appSource("v4"));
  await waitForOutput(service, /started v4 in \d+/, 30_000);
  expect(service.output()).not.toContain("started v3");

  service.child.kill("SIGTERM");
  expect(await exitOf(service.child, 20_000, service.output)).toBe(0);
  expect(service.output()).toContain("drained v4");
}, 90_000);
