// Runs a loaded App or broker until the signal aborts, then stops it gracefully (the App's shutdown hooks;
// a broker's close drains handlers in progress). Used in the CLI's own process and in each worker.
import { once } from "node:events";
import { appRegistration } from "../../core/registrations.js";
import type { LoadedTarget } from "../load-target.js";

export async function serveUntil(loaded: LoadedTarget, signal: AbortSignal, onStarted: () => void): Promise<void> {
  const { target } = loaded;
  // The in-process broker holds no socket: without this the process would end while it waits for a signal.
  const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
  try {
    try {
      await target.value.start();
    } catch (error) {
      await abandon(loaded);
      throw error;
    }
    onStarted();
    if (!signal.aborted) await once(signal, "abort");
    await stop(loaded);
  } finally {
    clearInterval(keepAlive);
  }
}

function stop({ target }: LoadedTarget): Promise<void> {
  return target.kind === "app" ? target.value.stop() : target.value.close();
}

/**
 * After a failed start: an App that never finished starting does not stop (it is not running), so its brokers
 * that did connect are closed one by one, or their sockets would keep the process alive.
 */
async function abandon({ target }: LoadedTarget): Promise<void> {
  const brokers = target.kind === "app" ? (appRegistration(target.value)?.brokers ?? []) : [target.value];
  await Promise.allSettled(brokers.map((broker) => (broker as { close(): Promise<void> }).close()));
}

/** What the module's code sees: its own path and the arguments after `--`, as if run with `node <module>`. */
export function presentArgv(file: string, appArgs: readonly string[]): void {
  process.argv = [process.argv[0] ?? process.execPath, file, ...appArgs];
}
