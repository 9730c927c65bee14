// `--serve`: the handlers as a long-lived service that publishes nothing itself.
import type { App, Broker } from "postline";
import type { RegisterChain } from "./chains.js";

/** Runs the chain's handlers until SIGINT/SIGTERM, then lets App.run() shut down gracefully. */
export async function serve(app: App, broker: Broker<string>, registerChain: RegisterChain, brokerName: string): Promise<void> {
  registerChain(broker, (message) => console.log(`"third" handled ${JSON.stringify(message)}`));
  // App.run() installs its SIGINT/SIGTERM listeners only once start() has resolved, after the afterStartup
  // hooks: announcing readiness from the hook itself would let an early SIGTERM kill the process outright.
  // setImmediate runs after run() has installed them.
  app.afterStartup(() => {
    setImmediate(() => console.log(`ready: serving first → second → third on the ${brokerName} broker; stop with Ctrl-C or SIGTERM`));
  });
  // App.run() waits for a signal, and a signal listener does not keep Node's event loop alive: with the
  // in-process broker nothing else would, and the process would end at once.
  const keepAlive = setInterval(() => undefined, 2 ** 31 - 1);
  try {
    await app.run();
  } finally {
    clearInterval(keepAlive);
  }
}
