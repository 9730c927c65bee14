// `--serve`: the handlers as a long-lived service that publishes nothing itself.
import type { App, Broker } from "postline";
import type { RegisterChain } from "./chains.js";

/** Runs the chain's handlers until SIGINT/SIGTERM; App.run() then shuts down gracefully. */
export async function serve(app: App, broker: Broker<string>, registerChain: RegisterChain, brokerName: string): Promise<void> {
  registerChain(broker, (message) => console.log(`"third" handled ${JSON.stringify(message)}`));
  app.afterStartup(() => {
    console.log(`ready: serving first → second → third on the ${brokerName} broker; stop with Ctrl-C or SIGTERM`);
  });
  await app.run();
}
