// Like FastStream's example, the order service feeds itself at start-up: each round posts a normal order, one
// with a long symbol and one with `quantity: -1` (which fails validation). It posts over HTTP, so each order
// is a trace that starts at the HTTP server span. Bounded by ORDER_LOOP_ROUNDS so that runs end.
import { setTimeout as sleep } from "node:timers/promises";
import type { OrderRequest } from "../shared/schemas.js";
import type { PlacedOrder } from "./http-api.js";

export interface StartupOrdersOptions {
  readonly url: string;
  /** Rounds of three orders; `Infinity` for as long as the service runs. */
  readonly rounds: number;
  readonly intervalMs: number;
  readonly signal: AbortSignal;
}

export const startupOrders: readonly { readonly kind: string; readonly order: OrderRequest }[] = [
  { kind: "normal", order: { symbol: "AAPL", quantity: 10, tier: "gold" } },
  { kind: "long-symbol", order: { symbol: "LONGSYMBOL".repeat(30), quantity: 3, tier: "standard" } },
  { kind: "invalid", order: { symbol: "TSLA", quantity: -1, tier: "standard" } },
];

export async function postStartupOrders(options: StartupOrdersOptions): Promise<void> {
  for (let round = 1; round <= options.rounds && !options.signal.aborted; round++) {
    for (const { kind, order } of startupOrders) {
      const response = await fetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(order),
        signal: options.signal,
      });
      if (response.status !== 202) throw new Error(`POST ${options.url} answered ${response.status}: ${await response.text()}`);
      const placed = (await response.json()) as PlacedOrder;
      // One line per order, with its trace id: what to search for in the trace backend.
      console.log(`order: posted ${kind} order ${placed.orderId} (round ${round}, trace ${placed.traceId ?? "not sampled"})`);
    }
    if (round < options.rounds) await sleep(options.intervalMs, undefined, { signal: options.signal });
  }
  console.log(`order: start-up orders done (${options.rounds} round${options.rounds === 1 ? "" : "s"})`);
}
