// The trade service, in the class style: a decorated method handles `trades` and its return value is
// published to `notifications`. The fill happens inside the custom span `process trade`.
import { setTimeout as sleep } from "node:timers/promises";
import { trace } from "@opentelemetry/api";
import type { ServiceDefinition } from "../shared/run-service.js";
import { Trade, type Notification } from "../shared/schemas.js";
import type { ServiceTelemetry } from "../shared/telemetry.js";

const tracer = trace.getTracer("postline-example-trade");

export function tradeService(telemetry: ServiceTelemetry): ServiceDefinition {
  return {
    name: "trade",
    telemetry,
    setup({ broker, competing }, { destinations }) {
      class TradeDesk {
        @broker.subscriber(destinations.trades, { schema: Trade, ...competing("trade") })
        @broker.publisher(destinations.notifications)
        async execute(trade: Trade): Promise<Notification> {
          return tracer.startActiveSpan("process trade", async (span) => {
            try {
              // A made-up market: a price and a little latency, so the span has something to show.
              const price = Math.round((100 + Math.random() * 50) * 100) / 100;
              await sleep(10 + Math.random() * 40);
              span.setAttributes({ "order.id": trade.orderId, "trade.symbol": trade.symbol, "trade.quantity": trade.quantity, "trade.price": price });
              return { orderId: trade.orderId, text: `Order ${trade.orderId}: bought ${trade.quantity} ${trade.symbol} at ${price.toFixed(2)}` };
            } finally {
              span.end();
            }
          });
        }
      }
      // Decorated methods subscribe when their class is constructed: once.
      new TradeDesk();
    },
  };
}
