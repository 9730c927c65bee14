import { AckMessage, DecodeError, NackMessage, RejectMessage, ValidationError } from "./errors.js";
import type { Settlement } from "./message.js";

/**
 * When a message is settled with the broker.
 * - `reject-on-error` (default): ack after the handler succeeds, reject when it fails (dead-letter where the
 *   broker has one); nothing is redelivered in a loop.
 * - `nack-on-error`: ack on success, nack with requeue on failure (at-least-once). Bodies that cannot be
 *   decoded or validated are rejected instead: redelivering them cannot succeed.
 * - `ack`: ack after the handler, whether or not it failed (failures are logged).
 * - `ack-first`: ack on receipt, before the handler runs (at-most-once).
 * - `manual`: the handler settles through `context.ack()/nack()/reject()`; nothing happens otherwise.
 * Under every policy a handler may settle early, or throw `AckMessage`/`NackMessage`/`RejectMessage`.
 */
export type AckPolicy = "reject-on-error" | "nack-on-error" | "ack" | "ack-first" | "manual";

export const ackPolicies: readonly AckPolicy[] = ["reject-on-error", "nack-on-error", "ack", "ack-first", "manual"];

const ack: Settlement = { kind: "ack" };
const reject: Settlement = { kind: "reject" };
const requeue: Settlement = { kind: "nack", requeue: true };

/** The settlement for a handler run that ended with `failure` (undefined on success). */
export function settlementFor(policy: AckPolicy, failed: boolean, failure: unknown): Settlement | undefined {
  if (failure instanceof AckMessage) return ack;
  if (failure instanceof NackMessage) return { kind: "nack", requeue: failure.requeue };
  if (failure instanceof RejectMessage) return reject;
  if (policy === "manual" || policy === "ack-first") return undefined;
  if (!failed || policy === "ack") return ack;
  if (policy === "nack-on-error") {
    return failure instanceof DecodeError || failure instanceof ValidationError ? reject : requeue;
  }
  return reject;
}
