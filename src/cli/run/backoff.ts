// How long a crashed worker waits before it is started again: doubling from half a second up to 30 s, and
// back to the start once a worker has stayed up for a while (a crash loop slows down; a rare crash does not).

export const STABLE_AFTER_MS = 10_000;

export function restartDelayMs(consecutiveCrashes: number): number {
  return Math.min(30_000, 500 * 2 ** Math.max(0, consecutiveCrashes - 1));
}
