import { execFileSync } from "node:child_process";
import { expect, test } from "vitest";

const root = new URL("../../", import.meta.url);

test("App.run() keeps an in-process service alive and stops gracefully on a signal sent during startup", () => {
  // A fresh Node: the signal must reach run()'s own listeners, not the test runner.
  const output = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `
      import { App } from "postline";
      import { MemoryBroker } from "postline/memory";
      const broker = new MemoryBroker({ logger: { debug() {}, info() {}, warn() {}, error() {} } });
      const app = new App(broker, {
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        afterStartup: () => { process.kill(process.pid, "SIGTERM"); },
        afterShutdown: () => { console.log("after shutdown"); },
      });
      await app.run();
      console.log("run resolved");
      `,
    ],
    { cwd: root, encoding: "utf8", timeout: 10_000 },
  );
  expect(output.trim().split("\n")).toEqual(["after shutdown", "run resolved"]);
});
