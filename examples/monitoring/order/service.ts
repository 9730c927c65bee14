// The order service, in the functional style: `POST /orders` publishes an order with the customer's tier in
// the baggage; the `orders` handler validates it in a custom span and passes it on to `trades`.
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { SpanStatusCode, isSpanContextValid, trace } from "@opentelemetry/api";
import { withBaggage } from "postline/opentelemetry";
import { ConfigError, numberFromEnv } from "../shared/config.js";
import type { ServiceDefinition } from "../shared/run-service.js";
import { Order, type OrderRequest, type Trade } from "../shared/schemas.js";
import type { ServiceTelemetry } from "../shared/telemetry.js";
import { apiUrl, listenOrderApi, type PlacedOrder } from "./http-api.js";
import { postStartupOrders } from "./startup-orders.js";

const tracer = trace.getTracer("postline-example-order");

export class InvalidOrderError extends Error {
  override readonly name = "InvalidOrderError";
}

/** Checks an order inside the `validate order` span; an invalid one marks the span and fails the handler. */
function validate(order: Order): Trade {
  return tracer.startActiveSpan("validate order", { attributes: { quantity: order.quantity, "order.id": order.id } }, (span): Trade => {
    try {
      if (order.quantity <= 0) {
        const error = new InvalidOrderError(`order ${order.id}: quantity must be positive, got ${order.quantity}`);
        span.recordException(error);
        span.setAttribute("error.type", error.name);
        span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
        throw error;
      }
      return { orderId: order.id, symbol: order.symbol, quantity: order.quantity, status: "PENDING" };
    } finally {
      span.end();
    }
  });
}

export function orderService(telemetry: ServiceTelemetry): ServiceDefinition {
  let server: Server | undefined;
  return {
    name: "order",
    telemetry,
    endpoints: () => (server === undefined ? [] : [`POST ${apiUrl(server)}`]),
    setup({ broker, competing }, { destinations }, app) {
      // Rejected on error, so an invalid order is dropped (or dead-lettered) instead of coming back forever.
      broker
        .subscriber(destinations.orders, { schema: Order, publishers: [broker.publisher(destinations.trades)], ackPolicy: "reject-on-error", ...competing("order") })
        .handle((order) => validate(order));

      const placeOrder = async ({ tier, ...request }: OrderRequest): Promise<PlacedOrder> => {
        const orderId = randomUUID();
        // The correlation id follows the order through every hop (messaging.message.conversation_id).
        await withBaggage({ "customer.tier": tier }, () => broker.publish({ id: orderId, ...request }, destinations.orders, { correlationId: orderId }));
        const spanContext = trace.getActiveSpan()?.spanContext();
        return { orderId, traceId: spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined };
      };

      const host = process.env.ORDER_HTTP_HOST || "127.0.0.1";
      const port = numberFromEnv("ORDER_HTTP_PORT", 8000);
      const rounds = loopRounds();
      const intervalMs = numberFromEnv("ORDER_LOOP_INTERVAL_MS", 1000);
      const stopLoop = new AbortController();
      let loop: Promise<void> | undefined;

      app.afterStartup(async () => {
        server = await listenOrderApi(placeOrder, host, port);
      });
      app.afterStartup(() => {
        if (rounds === 0 || server === undefined) return;
        loop = postStartupOrders({ url: apiUrl(server), rounds, intervalMs, signal: stopLoop.signal }).catch((error: unknown) => {
          if (!stopLoop.signal.aborted) console.error(`order: the start-up orders stopped: ${error instanceof Error ? error.message : String(error)}`);
        });
      });
      app.onShutdown(async () => {
        stopLoop.abort();
        await loop;
        await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
      });
    },
  };
}

/** `ORDER_LOOP_ROUNDS`: a number (0 turns the loop off) or `forever`; default 5. */
function loopRounds(): number {
  const raw = process.env.ORDER_LOOP_ROUNDS?.trim();
  if (raw === "forever") return Infinity;
  try {
    return numberFromEnv("ORDER_LOOP_ROUNDS", 5);
  } catch {
    throw new ConfigError(`ORDER_LOOP_ROUNDS=${raw} is not a whole number ≥ 0 or "forever"`);
  }
}
