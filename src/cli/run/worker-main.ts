// A worker process of `postline run --workers/--reload`: loads the module, serves it until SIGTERM/SIGINT (or
// until the supervisor disappears), then exits. Repeated signals are ignored: the supervisor forwards a
// Ctrl-C that the terminal has already sent to the whole process group, and a second one must not cut the
// drain short (the supervisor kills workers itself when it has to).
import { CommandError } from "../cli-errors.js";
import { loadTarget } from "../load-target.js";
import { presentArgv, serveUntil } from "./serve.js";
import { WORKER_ID_VARIABLE, WORKER_SPEC_VARIABLE, type WorkerMessage, type WorkerSpec } from "./worker-protocol.js";

const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop.abort());
process.on("disconnect", () => stop.abort());

const tell = (message: WorkerMessage): void => {
  if (process.connected) process.send?.(message);
};

const spec = JSON.parse(process.env[WORKER_SPEC_VARIABLE] ?? "null") as WorkerSpec | null;
let code = 0;
if (spec === null) {
  process.stderr.write(`postline run: this is a worker process; start it with postline run --workers\n`);
  code = 2;
} else {
  try {
    presentArgv(spec.file, spec.appArgs);
    const loaded = await loadTarget(spec.file, spec.exportName, spec.appArgs);
    await serveUntil(loaded, stop.signal, () => tell({ type: "started" }));
  } catch (error) {
    const message = error instanceof CommandError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`postline run (worker ${process.env[WORKER_ID_VARIABLE] ?? "?"}): ${message}\n`);
    tell({ type: "failed", message });
    code = 1;
  }
}
// A handle the app left open (a timer, a server it did not close) must not keep a stopped worker alive.
process.exitCode = code;
setTimeout(() => process.exit(code), 100).unref();
if (process.connected) process.disconnect?.();
