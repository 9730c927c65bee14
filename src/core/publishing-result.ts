import type { MessageContext } from "./context.js";
import type { Middleware, PublishNext, PublishOutcome } from "./middleware.js";
import type { PublishOptions } from "./publish-api.js";
import type { CommandOptions } from "./publishing-command.js";
import type { Publishing } from "./publishing.js";
import { REQUEST_ID_HEADER } from "./request-reply.js";

/** Where a handler's result goes: a `Publisher`, seen only through what the fan-out reads of it. */
export interface ResultTarget {
  /** Read at each send: a router's prefix may arrive after the subscriber started. */
  readonly destination: string;
  readonly options: PublishOptions;
  readonly middlewares: readonly Middleware<string>[];
}

/**
 * Sends a handler's return value to the subscriber's publishers and, for a request, back to its reply address.
 * Built when the subscriber starts, so each chain (the subscriber's middlewares, then a publisher's own) is
 * composed once and reused for every result.
 */
export class ResultFanOut {
  readonly #publishing: Publishing;
  readonly #reply: PublishNext;
  readonly #targets: readonly { readonly target: ResultTarget; readonly chain: PublishNext }[];

  /** `middlewares`: the subscriber's, outermost first (broker, routers, its own). */
  constructor(publishing: Publishing, targets: readonly ResultTarget[], middlewares: readonly Middleware<string>[]) {
    this.#publishing = publishing;
    this.#reply = publishing.compose(middlewares);
    this.#targets = targets.map((target) => ({ target, chain: publishing.compose([...middlewares, ...target.middlewares]) }));
  }

  async publish(result: unknown, context: MessageContext): Promise<void> {
    const message = context.message;
    const replyTo = context.batch ? undefined : message.replyTo;
    if (result === undefined && replyTo === undefined) return;
    const correlationId = message.correlationId;
    const sends: Promise<PublishOutcome>[] = [];
    if (replyTo !== undefined) {
      // The request's own message id goes back with the reply, so concurrent requests that share a
      // correlation id still get their own answers.
      const headers = { [REQUEST_ID_HEADER]: message.messageId ?? "" };
      const reply = this.#publishing.command({ kind: "reply", destination: replyTo, bodies: [result], options: { correlationId, headers }, fromHandler: true });
      sends.push(this.#reply(reply));
    }
    if (result !== undefined) {
      for (const { target, chain } of this.#targets) {
        const options: CommandOptions = { ...(target.options as CommandOptions), correlationId };
        const command = this.#publishing.command({ kind: "publish", destination: target.destination, bodies: [result], options, fromHandler: true });
        sends.push(chain(command));
      }
    }
    await Promise.all(sends);
  }
}
