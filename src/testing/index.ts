// `postline/testing`: run a broker's own subscribers in-process, without its server (FastStream's TestBroker).
import { setImmediate as nextTurn } from "node:timers/promises";
import { useTransport, type AsyncCloseable, type Broker, type MessageContext, type Subscriber } from "../core/index.js";
import { MemoryHub } from "../memory/hub.js";
import { MemoryTransport } from "../memory/transport.js";

export interface HandledCall<Body = unknown> {
  readonly body: Body;
  readonly context: MessageContext;
}

/** A broker running on the in-process hub, with what its subscribers handled. */
export interface TestBroker<B> extends AsyncCloseable {
  readonly broker: B;
  readonly hub: MemoryHub;
  /** Every body the subscriber's handler was called with, in order (recorded from now on). */
  calls<Body = unknown>(subscriber: Subscriber): readonly HandledCall<Body>[];
  /** Waits until nothing is buffered and no handler is running (results published in turn included). */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `broker` over an in-process hub instead of its server: same subscribers, middlewares, codecs,
 * ack policies and request/reply, no network. Call it before the broker connects.
 *
 *     await using test = await testBroker(broker);
 *     await broker.publish({ id: 1 }, "orders");
 *     await test.idle();
 *     expect(test.calls(handleOrder)).toHaveLength(1);
 */
export async function testBroker<B extends Broker<string, any, any>>(broker: B, options: { hub?: MemoryHub } = {}): Promise<TestBroker<B>> {
  const hub = options.hub ?? new MemoryHub();
  broker[useTransport](new MemoryTransport(hub));
  const recorded = new Map<Subscriber, HandledCall[]>();
  const stopObserving = broker.subscribers().map((subscriber) => {
    const calls: HandledCall[] = [];
    recorded.set(subscriber, calls);
    return subscriber.observe((body, context) => calls.push({ body, context }));
  });
  await broker.start();
  const close = async (): Promise<void> => {
    for (const stop of stopObserving) stop();
    await broker.close();
  };
  return {
    broker,
    hub,
    calls<Body>(subscriber: Subscriber): readonly HandledCall<Body>[] {
      const calls = recorded.get(subscriber);
      if (calls === undefined) throw new Error(`subscriber "${subscriber.name}" was not registered on this broker when the test broker started`);
      return calls as HandledCall<Body>[];
    },
    async idle(timeoutMs = 5_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      // Two quiet turns in a row: a handler's result publish is buffered one turn after the handler settles.
      let quietTurns = 0;
      while (quietTurns < 2) {
        if (Date.now() > deadline) throw new Error(`the test broker was still busy after ${timeoutMs} ms`);
        await nextTurn();
        const busy = hub.buffered > 0 || broker.subscribers().some((subscriber) => subscriber.inFlight > 0);
        quietTurns = busy ? 0 : quietTurns + 1;
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
