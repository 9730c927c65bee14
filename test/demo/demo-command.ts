import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// The demo's tests run what `npm run demo` runs: package.json's script, with the tsx binary resolved to its
// script so that the child is a plain Node process (signals reach the demo itself, not an npm wrapper).
const root = fileURLToPath(new URL("../../", import.meta.url));
const script = (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { scripts: { demo: string } }).scripts.demo;
const [runner, ...runnerArgs] = script.split(" ");
if (runner !== "tsx") throw new Error(`package.json's demo script no longer starts with tsx: ${script}`);

/** The arguments for `spawn(process.execPath, ...)` that run the demo with `args`, from the repository root. */
export function demoArgv(args: readonly string[]): string[] {
  return [`${root}node_modules/tsx/dist/cli.mjs`, ...runnerArgs, ...args];
}
