import type { IncomingMessage, PublishCommand } from "./message.js";
import type { MessageContext } from "./context.js";

/** A request's reply, or nothing for a plain publish. */
export type PublishOutcome = IncomingMessage | undefined;

export type PublishNext = (command: PublishCommand) => Promise<PublishOutcome>;

/**
 * Wraps message handling and publishing. Both scopes are optional. The first middleware in a list is the
 * outermost wrapper, and lists nest broker → router → subscriber (publishers: broker → router → subscriber →
 * publisher), so a broker-level middleware sees everything its routers' middlewares see, and more.
 *
 * `consume` wraps decoding, validation, the handler and the publishing of its result; the message is settled
 * after the whole chain returns or throws, and `context.onSettled` reports how.
 *
 * `broker` brands a middleware that only fits one kind of broker (the telemetry middlewares do); attaching it
 * to another kind fails to type-check, and fails at construction if types were bypassed. An unbranded
 * `Middleware` (the default type) fits every broker.
 */
export interface Middleware<BrokerKind extends string = never> {
  readonly broker?: BrokerKind;
  consume?(context: MessageContext, next: () => Promise<void>): Promise<void>;
  publish?(command: PublishCommand, next: PublishNext): Promise<PublishOutcome>;
}

export type ConsumeChain = (context: MessageContext, inner: () => Promise<void>) => Promise<void>;

/** Runs `consume` scopes outermost first, ending in `inner`. Composed once per subscriber, run per delivery. */
export function composeConsume(middlewares: readonly Middleware<string>[]): ConsumeChain {
  const scopes = middlewares.filter((middleware) => middleware.consume !== undefined);
  if (scopes.length === 0) return (_context, inner) => inner();
  return (context, inner) => runConsumeScope(scopes, 0, context, inner);
}

/** One scope of a delivery: its `next` (the one closure a scope needs per delivery) runs the scope after it. */
function runConsumeScope(scopes: readonly Middleware<string>[], index: number, context: MessageContext, inner: () => Promise<void>): Promise<void> {
  const middleware = scopes[index];
  if (middleware === undefined) return inner();
  let called = false;
  return middleware.consume!(context, () => {
    if (called) return Promise.reject(new Error("a consume middleware called next() twice"));
    called = true;
    return runConsumeScope(scopes, index + 1, context, inner);
  });
}

/** Runs `publish` scopes outermost first, ending in `send`. */
export function composePublish(middlewares: readonly Middleware<string>[], send: PublishNext): PublishNext {
  const scopes = middlewares.filter((middleware) => middleware.publish !== undefined);
  // Built back to front once: each scope's `next` is a fixed function, so a publish allocates no closures.
  let chain = send;
  for (let index = scopes.length - 1; index >= 0; index -= 1) {
    const middleware = scopes[index]!;
    const next = chain;
    chain = (command) => middleware.publish!(command, next);
  }
  return chain;
}
