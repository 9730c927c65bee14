// The OpenTelemetry SDK's own cost of one traced message, with no Postline code and no broker: the calls of
// bench/hand-traced.ts (send span + inject, extract + process span, a duration record each) in a plain loop,
// with Postline's per-message attributes (message id, conversation id, body size). Whatever a framework does,
// tracing a publish→consume hop with this SDK costs at least this much; the in-process tracing cost minus this
// figure is what Postline's own telemetry code adds.
import type { Probe, Session, Variant } from "./harness.js";
import { handTracing } from "./hand-traced.js";

export function sdkFloorVariant(system: string, destination: string): Variant {
  return {
    name: "sdk-floor",
    description: "the OpenTelemetry SDK calls of one traced message and nothing else (no Postline, no broker; bench/hand-traced.ts in a loop); same SDK set-up",
    setup(probe: Probe): Promise<Session> {
      const tracing = handTracing(system, destination);
      return Promise.resolve({
        publish(seq: number) {
          const id = String(seq);
          tracing.hop({ "messaging.message.id": id, "messaging.message.conversation_id": id, "messaging.message.body.size": 25 });
          probe.handled();
          return Promise.resolve();
        },
        async teardown() {
          await tracing.otel.stop();
          return [tracing.otel.spansPerMessage(probe.count, 2)];
        },
      });
    },
  };
}
