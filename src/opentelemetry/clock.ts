import type { HrTime } from "@opentelemetry/api";

// Span times come from one monotonic clock (`performance.now()` from the process's time origin): the SDK's
// default start times are `Date.now()`-based, with millisecond steps and a skew of their own per span.
// The origin is split into whole seconds and nanoseconds once, so each conversion allocates one pair
// (@opentelemetry/core's `hrTime()` allocates three and runs four times per message here).
// Times are whole microseconds: Zipkin's span model is in integer microseconds, and the SDK's Zipkin exporter
// passes a start time through unrounded, so a sub-microsecond one made Zipkin refuse the whole batch (HTTP 400).
// The SDK's own start times are whole milliseconds; a microsecond is still far below a hop's duration.

const ORIGIN_MS = performance.timeOrigin;
const ORIGIN_SECONDS = Math.trunc(ORIGIN_MS / 1000);
const ORIGIN_MICROS = Math.round((ORIGIN_MS - ORIGIN_SECONDS * 1000) * 1e3);

/** A `performance.now()` reading as wall-clock HrTime, to the microsecond. */
export function hrTimeAt(performanceMs: number): HrTime {
  const seconds = Math.trunc(performanceMs / 1000);
  let micros = ORIGIN_MICROS + Math.round((performanceMs - seconds * 1000) * 1e3);
  let wholeSeconds = ORIGIN_SECONDS + seconds;
  if (micros >= 1e6) {
    micros -= 1e6;
    wholeSeconds += 1;
  }
  return [wholeSeconds, micros * 1000];
}

/** Now, as wall-clock HrTime on the same monotonic clock. */
export const clock = (): HrTime => hrTimeAt(performance.now());
