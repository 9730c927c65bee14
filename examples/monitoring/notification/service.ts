// The notification service, in the functional style: the last hop. The customer's tier was put in the
// baggage by the order service two hops earlier; it arrives here in the active OTel context.
import { setTimeout as sleep } from "node:timers/promises";
import { context, propagation, trace } from "@opentelemetry/api";
import type { ServiceDefinition } from "../shared/run-service.js";
import { Notification } from "../shared/schemas.js";
import type { ServiceTelemetry } from "../shared/telemetry.js";

const tracer = trace.getTracer("postline-example-notification");

export function notificationService(telemetry: ServiceTelemetry): ServiceDefinition {
  return {
    name: "notification",
    telemetry,
    setup({ broker, competing }, { destinations }) {
      broker.subscriber(destinations.notifications, { schema: Notification, ...competing("notification") }).handle(async (notification) => {
        const tier = propagation.getBaggage(context.active())?.getEntry("customer.tier")?.value ?? "unknown";
        await tracer.startActiveSpan("send notification", { attributes: { text: notification.text, "customer.tier": tier, "order.id": notification.orderId } }, async (span) => {
          try {
            await sleep(tier === "gold" ? 5 : 20 + Math.random() * 30); // gold customers are told first
            console.log(`notification: [${tier}] ${notification.text}`);
          } finally {
            span.end();
          }
        });
      });
    },
  };
}
