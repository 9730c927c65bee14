// The messages between the services, as zod schemas: each subscriber validates its body with one, and the
// handler's parameter type is inferred from it.
import { z } from "zod";

/** What `POST /orders` accepts. The quantity is only checked by the order handler (`validate order`). */
export const OrderRequest = z.object({
  symbol: z.string().min(1),
  quantity: z.number().int(),
  /** Travels as baggage (`customer.tier`), not in the messages. */
  tier: z.enum(["standard", "gold"]).default("standard"),
});
export type OrderRequest = z.infer<typeof OrderRequest>;

export const Order = z.object({
  id: z.string(),
  symbol: z.string(),
  quantity: z.number().int(),
});
export type Order = z.infer<typeof Order>;

export const Trade = z.object({
  orderId: z.string(),
  symbol: z.string(),
  quantity: z.number().int().positive(),
  status: z.literal("PENDING"),
});
export type Trade = z.infer<typeof Trade>;

export const Notification = z.object({
  orderId: z.string(),
  text: z.string(),
});
export type Notification = z.infer<typeof Notification>;
