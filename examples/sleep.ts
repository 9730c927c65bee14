import { setTimeout as wait } from "node:timers/promises";

/**
 * Waits at least `ms` milliseconds. Node's timers count from the event loop's cached clock, so under load a
 * plain `setTimeout(100)` can end a few milliseconds short of 100 ms of real time; the seed promises handlers
 * that take their full 100/50/75 ms, so this waits out the remainder.
 */
export async function sleep(ms: number): Promise<void> {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now()) await wait(Math.ceil(left));
}
