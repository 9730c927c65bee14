// What one order's trace must look like in Zipkin (span names in lower case, as Zipkin stores them).
import { expect } from "vitest";
import type { ZipkinSpan } from "./zipkin-api.js";

export interface OrderTraceExpectation {
  readonly prefix: string;
  readonly orderId: string;
  readonly quantity: number;
  /** The customer tier the order was posted with, expected as baggage in `notification`. */
  readonly tier: string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function describeSpans(spans: readonly ZipkinSpan[]): string {
  return spans.map((span) => `${span.localEndpoint?.serviceName ?? "?"}: ${span.name} (${span.id} ← ${span.parentId ?? "root"})`).join("\n");
}

function finder(spans: readonly ZipkinSpan[]) {
  return (pattern: RegExp): ZipkinSpan => {
    const found = spans.filter((span) => pattern.test(span.name));
    expect(found, `one span named ${String(pattern)} in:\n${describeSpans(spans)}`).toHaveLength(1);
    return found[0]!;
  };
}

function expectChild(child: ZipkinSpan, parent: ZipkinSpan, kind: ZipkinSpan["kind"], service: string): void {
  expect(child.parentId, `${child.name} is a child of ${parent.name}`).toBe(parent.id);
  expect(child.kind, `${child.name}'s kind`).toBe(kind);
  expect(child.localEndpoint?.serviceName, `${child.name}'s service`).toBe(service);
}

/** The part every order has: the HTTP root, its send, the order handler's process span and `validate order`. */
function expectOrderHops(spans: readonly ZipkinSpan[], expected: OrderTraceExpectation) {
  const one = finder(spans);
  const destination = (name: string): string => escape(`${expected.prefix}${name}`);
  const root = one(/^post \/orders$/);
  expect(root.parentId, "the HTTP server span is the root").toBeUndefined();
  expect(root.kind).toBe("SERVER");
  expect(root.localEndpoint?.serviceName).toBe("order");
  expect(root.tags).toMatchObject({ "http.request.method": "POST", "http.route": "/orders", "http.response.status_code": "202" });

  const sendOrders = one(new RegExp(`^send ${destination("orders")}$`));
  expectChild(sendOrders, root, "PRODUCER", "order");
  const processOrders = one(new RegExp(`^process ${destination("orders")}(:|$)`));
  expectChild(processOrders, sendOrders, "CONSUMER", "order");
  const validate = one(/^validate order$/);
  expectChild(validate, processOrders, undefined, "order");
  expect(validate.tags).toMatchObject({ quantity: String(expected.quantity), "order.id": expected.orderId });
  for (const span of [sendOrders, processOrders]) {
    expect(span.tags, `${span.name}'s messaging attributes`).toMatchObject({ "messaging.system.name": "rabbitmq", "messaging.message.conversation_id": expected.orderId });
  }
  return { one, destination, root, processOrders, validate };
}

/** A valid order: ten spans over the three services, one connected tree. */
export function expectCompleteOrderTrace(spans: readonly ZipkinSpan[], expected: OrderTraceExpectation): void {
  const { one, destination, processOrders } = expectOrderHops(spans, expected);
  expect(processOrders.tags?.["messaging.postline.settlement"]).toBe("ack");
  const sendTrades = one(new RegExp(`^send ${destination("trades")}$`));
  expectChild(sendTrades, processOrders, "PRODUCER", "order");
  const processTrades = one(new RegExp(`^process ${destination("trades")}(:|$)`));
  expectChild(processTrades, sendTrades, "CONSUMER", "trade");
  const processTrade = one(/^process trade$/);
  expectChild(processTrade, processTrades, undefined, "trade");
  const sendNotifications = one(new RegExp(`^send ${destination("notifications")}$`));
  expectChild(sendNotifications, processTrades, "PRODUCER", "trade");
  const processNotifications = one(new RegExp(`^process ${destination("notifications")}(:|$)`));
  expectChild(processNotifications, sendNotifications, "CONSUMER", "notification");
  const sendNotification = one(/^send notification$/);
  expectChild(sendNotification, processNotifications, undefined, "notification");
  expect(sendNotification.tags?.text).toContain(expected.orderId);
  expect(sendNotification.tags?.["customer.tier"], "the tier set as baggage in order, read in notification").toBe(expected.tier);
  for (const span of [sendTrades, processTrades, sendNotifications, processNotifications]) {
    expect(span.tags?.["messaging.message.conversation_id"], `${span.name} keeps the order's conversation id`).toBe(expected.orderId);
  }
  expect(spans, describeSpans(spans)).toHaveLength(10);
  expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
  expect(spans.some((span) => span.tags?.error !== undefined), "no error in a valid order's trace").toBe(false);
}

/** An order with `quantity: -1`: `validate order` fails, the message is rejected, nothing goes downstream. */
export function expectInvalidOrderTrace(spans: readonly ZipkinSpan[], expected: OrderTraceExpectation): void {
  const { processOrders, validate } = expectOrderHops(spans, expected);
  for (const span of [validate, processOrders]) {
    expect(span.tags, `${span.name} is an error span`).toMatchObject({ "error.type": "InvalidOrderError", "otel.status_code": "ERROR" });
    expect(span.tags?.error, `${span.name}'s error message`).toContain("quantity must be positive");
    expect(span.annotations?.map((annotation) => annotation.value), `${span.name}'s exception event`).toContain("exception");
  }
  expect(processOrders.tags?.["messaging.postline.settlement"], "reject-on-error settles the failed message with a reject").toBe("reject");
  expect(spans.map((span) => span.localEndpoint?.serviceName).filter((service) => service !== "order"), "nothing reaches trade or notification").toEqual([]);
  expect(spans, describeSpans(spans)).toHaveLength(4);
}

export const completeOrder = (spans: readonly ZipkinSpan[]): boolean => spans.length >= 10 && spans.some((span) => span.name === "send notification");
export const failedOrder = (spans: readonly ZipkinSpan[]): boolean =>
  spans.length >= 4 && spans.some((span) => span.tags?.["messaging.postline.settlement"] === "reject") && spans.some((span) => span.kind === "SERVER");
