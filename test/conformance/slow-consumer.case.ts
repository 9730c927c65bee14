import { describe, expect } from "vitest";
import { conformance, type BrokerHarness } from "./harness.js";
import { sleep, waitFor } from "./wait.js";

/** Subscriptions the server cannot slow down keep a bounded local queue and count what they drop. */
export function describeSlowConsumer(harness: BrokerHarness): void {
  describe("slow consumer", () => {
    const it = conformance(harness, "slow-consumer");

    it(
      "an at-most-once subscriber keeps at most maxPending messages waiting, drops the rest and says how many",
      async (kit) => {
        const service = kit.broker();
        const producer = kit.broker();
        const destination = kit.dest("slow");
        const got = kit.collector<number>();
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        service.subscriber(destination, { ...kit.sub(), ...harness.slowConsumer!.subscriberOptions(5) }).handle(async (n: number) => {
          got.push(n);
          await gate;
        });
        await kit.start(service);
        await kit.start(producer);
        for (let n = 0; n < 20; n += 1) await producer.publish(n, destination);
        await got.count(1);
        // One message is in the handler and five wait; the other fourteen are dropped as they arrive.
        await waitFor(() => kit.logger.entries.some((entry) => entry.level === "warn" && entry.message.includes("slow consumer")), kit.timeoutMs, "the slow-consumer warning");
        // Every message has reached the process (loopback) before the handler frees a place in the queue.
        await sleep(300);
        release();
        await got.count(6);
        await kit.quiet();
        expect(got.items).toEqual([0, 1, 2, 3, 4, 5]);
        await service.close();
        const warnings = kit.logger.entries.filter((entry) => entry.message.includes("slow consumer"));
        expect(warnings.reduce((total, entry) => total + Number(entry.fields?.dropped ?? 0), 0)).toBe(14);
      },
      { needs: ["slowConsumer"] },
    );
  });
}
