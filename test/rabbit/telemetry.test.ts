import { afterAll } from "vitest";
import { describeTelemetryConformance } from "../conformance/conformance.js";
import { cleanupRun, rabbitHarness, rabbitTelemetryHarness } from "./harness.js";

afterAll(cleanupRun);

describeTelemetryConformance(rabbitHarness, rabbitTelemetryHarness, {
  faststreamSkips: {
    "telemetry-faststream > batch publish → single consume: 8 spans, each message its own consumer create with 1 link":
      "FastStream's RabbitTelemetryMiddleware has no message counters by default (this test expects them); rabbit-telemetry.test.ts runs it with counters on",
  },
});
