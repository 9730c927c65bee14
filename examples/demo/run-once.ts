// The default mode: one message through the chain, then a graceful shutdown.
import type { App, Broker } from "postline";
import type { RegisterChain } from "./chains.js";

/** How long to wait for `third` before the run counts as failed. */
const handledTimeoutMs = 10_000;

/** Publishes "hello" to "first", waits until `third` has handled it, then stops the app gracefully. */
export async function runOnce(app: App, broker: Broker<string>, registerChain: RegisterChain): Promise<void> {
  const handled = new Promise<string>((resolve) => registerChain(broker, resolve));
  await app.start();
  try {
    await broker.publish("hello", "first");
    await withTimeout(handled, handledTimeoutMs, `"third" did not handle the message within ${handledTimeoutMs / 1000} s`);
  } finally {
    // Closing waits for the handlers in progress to settle, so every span has ended afterwards.
    await app.stop();
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
