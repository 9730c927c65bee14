import type { HrTime } from "@opentelemetry/api";

// Span times come from one monotonic clock (`performance.now()` from the process's time origin): the SDK's
// default start times are `Date.now()`-based, with millisecond steps and a skew of their own per span.
// The origin is split into whole seconds and nanoseconds once, so each conversion allocates one pair
// (@opentelemetry/core's `hrTime()` allocates three and runs four times per message here).

const ORIGIN_MS = performance.timeOrigin;
const ORIGIN_SECONDS = Math.trunc(ORIGIN_MS / 1000);
const ORIGIN_NANOS = Math.round((ORIGIN_MS - ORIGIN_SECONDS * 1000) * 1e6);

/** A `performance.now()` reading as wall-clock HrTime. */
export function hrTimeAt(performanceMs: number): HrTime {
  const seconds = Math.trunc(performanceMs / 1000);
  let nanos = ORIGIN_NANOS + Math.round((performanceMs - seconds * 1000) * 1e6);
  let wholeSeconds = ORIGIN_SECONDS + seconds;
  if (nanos >= 1e9) {
    nanos -= 1e9;
    wholeSeconds += 1;
  }
  return [wholeSeconds, nanos];
}

/** Now, as wall-clock HrTime on the same monotonic clock. */
export const clock = (): HrTime => hrTimeAt(performance.now());
