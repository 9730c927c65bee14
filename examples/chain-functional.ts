// The seed chain in the functional style: each step is a plain async function whose return value is
// published to the next destination.
import { sleep } from "./sleep.js";
import type { Broker } from "postline";

/**
 * Registers `first` (100 ms) → `second` (50 ms) → `third` (75 ms) on `broker`.
 * `onThirdHandled` is called each time `third` has handled a message.
 */
export function registerFunctionalChain(broker: Broker<string>, onThirdHandled: (message: string) => void): void {
  broker.subscriber("first", { publishers: [broker.publisher("second")] }).handle(async (message: string) => {
    await sleep(100);
    return message;
  });

  broker.subscriber("second", { publishers: [broker.publisher("third")] }).handle(async (message: string) => {
    await sleep(50);
    return message;
  });

  broker.subscriber("third").handle(async (message: string) => {
    await sleep(75);
    onThirdHandled(message);
  });
}
