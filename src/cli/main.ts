#!/usr/bin/env node
// The `postline` command (package.json "bin"; `npm run traces` runs it from source). SIGINT and SIGTERM stop
// the running command gracefully; a second one does not wait for that.
import { commands } from "./commands.js";
import { runCli } from "./run-cli.js";

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stop.abort();
    process.once(signal, () => process.exit(130));
  });
}

process.exitCode = await runCli(
  process.argv.slice(2),
  commands,
  { out: (text) => process.stdout.write(`${text}\n`), err: (text) => process.stderr.write(`${text}\n`) },
  stop.signal,
);
