import { expect, test } from "vitest";
import { ConfigurationError, RedeliveryRule, validateMaxDeliveries } from "../../src/core/index.js";

const requeue = { kind: "nack", requeue: true } as const;

test("a nack with requeue brings a message back until it was delivered maxDeliveries times", () => {
  const rule = new RedeliveryRule(3);
  expect([1, 2, 3, 4].map((count) => rule.requeues(requeue, count))).toEqual([true, true, false, false]);
  expect(new RedeliveryRule(undefined).requeues(requeue, 1_000)).toBe(true);
});

test("a reject, a nack without requeue and an ack never requeue", () => {
  const rule = new RedeliveryRule(undefined);
  expect(rule.requeues({ kind: "reject" }, 1)).toBe(false);
  expect(rule.requeues({ kind: "nack", requeue: false }, 1)).toBe(false);
  expect(rule.requeues({ kind: "ack" }, 1)).toBe(false);
});

test("split: a batch's messages go back or on to the dead letters by their own delivery counts", () => {
  const rule = new RedeliveryRule(2);
  const messages = [{ id: "a", count: 1 }, { id: "b", count: 2 }, { id: "c", count: 1 }];
  const { requeue: again, reject } = rule.split(messages, requeue, (message) => message.count);
  expect(again.map((message) => message.id)).toEqual(["a", "c"]);
  expect(reject.map((message) => message.id)).toEqual(["b"]);
  expect(rule.split(messages, { kind: "reject" }, (message) => message.count).reject).toHaveLength(3);
});

test("maxDeliveries must be a whole number ≥ 1", () => {
  for (const value of [0, 1.5, -1, "3", Number.NaN]) expect(() => validateMaxDeliveries("s", value)).toThrow(ConfigurationError);
  for (const value of [undefined, 1, 10]) expect(() => validateMaxDeliveries("s", value)).not.toThrow();
});
