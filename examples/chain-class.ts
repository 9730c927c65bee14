// The seed chain in the class style: TC39 standard decorators turn methods into handlers, and a publisher
// used as a decorator sends the method's return value on.
import { sleep } from "./sleep.js";
import type { Broker } from "postline";

/**
 * Registers `first` (100 ms) → `second` (50 ms) → `third` (75 ms) on `broker`.
 * `onThirdHandled` is called each time `third` has handled a message.
 */
export function registerClassChain(broker: Broker<string>, onThirdHandled: (message: string) => void): void {
  const toSecond = broker.publisher("second");
  const toThird = broker.publisher("third");

  class Chain {
    @broker.subscriber("first")
    @toSecond
    async first(message: string): Promise<string> {
      await sleep(100);
      return message;
    }

    @broker.subscriber("second")
    @toThird
    async second(message: string): Promise<string> {
      await sleep(50);
      return message;
    }

    @broker.subscriber("third")
    async third(message: string): Promise<void> {
      await sleep(75);
      onThirdHandled(message);
    }
  }

  // Decorated methods subscribe when their class is constructed, so construct it exactly once.
  new Chain();
}
