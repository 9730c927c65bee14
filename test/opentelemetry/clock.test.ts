import { hrTime } from "@opentelemetry/core";
import { describe, expect, it } from "vitest";
import { clock, hrTimeAt } from "../../src/opentelemetry/clock.js";

describe("span clock", () => {
  it("converts performance.now() readings as @opentelemetry/core's hrTime does, to the whole microsecond", () => {
    const readings = [0, 0.000001, 999.9999995, 1000, performance.now(), performance.now() + 123_456.789012, 86_400_000.5];
    for (let index = 0; index < 2_000; index += 1) readings.push(Math.random() * 1e8);
    for (const reading of readings) {
      const ours = hrTimeAt(reading);
      const core = hrTime(reading);
      const apartNs = (ours[0] - core[0]) * 1e9 + (ours[1] - core[1]);
      // Each side rounds once (the origin, the reading): at most a microsecond apart.
      expect(Math.abs(apartNs), `reading ${reading}`).toBeLessThanOrEqual(1000);
      // Whole microseconds, so that Zipkin (integer microseconds) takes the span.
      expect(ours[1] % 1000, `reading ${reading}`).toBe(0);
      expect(ours[1]).toBeGreaterThanOrEqual(0);
      expect(ours[1]).toBeLessThan(1e9);
    }
  });

  it("reads now on the wall clock and never goes backwards", () => {
    const before = Date.now();
    const first = clock();
    const second = clock();
    const after = Date.now();
    const ms = (time: readonly [number, number]) => time[0] * 1000 + time[1] / 1e6;
    // performance.timeOrigin + now() drifts from Date.now() by a few ms at most on a fresh process.
    expect(ms(first)).toBeGreaterThan(before - 50);
    expect(ms(first)).toBeLessThan(after + 50);
    expect(ms(second)).toBeGreaterThanOrEqual(ms(first));
  });
});
