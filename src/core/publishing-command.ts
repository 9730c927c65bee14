import { randomUUID } from "node:crypto";
import type { CodecRegistry } from "./codecs.js";
import { ConfigurationError } from "./errors.js";
import type { PublishCommand, PublishKind, ServerAddress } from "./message.js";
import type { PublishOptions, RequestOptions } from "./publish-api.js";

/** What every publish passes in: the common options, with the adapter's own beside them. */
export type CommandOptions = PublishOptions & Record<string, unknown>;

export interface CommandSpec {
  readonly kind: PublishKind;
  readonly destination: string;
  readonly bodies: readonly unknown[];
  readonly options: CommandOptions;
  /** True for a handler's result (to its publishers or the reply address). */
  readonly fromHandler: boolean;
}

/**
 * Turns bodies and options into the command that publish middlewares see and the transport sends: encodes each
 * body, gives each message its ids, and keeps the adapter's own options apart from the common ones.
 */
export function buildCommand(codecs: CodecRegistry, server: ServerAddress | undefined, spec: CommandSpec): PublishCommand {
  const { kind, destination, bodies, options, fromHandler } = spec;
  if (typeof destination !== "string" || destination === "") {
    throw new ConfigurationError(`publish needs a destination (a non-empty string), got ${JSON.stringify(destination)}`);
  }
  const { headers, correlationId, messageId, contentType, timeoutMs, schema: _schema, ...brokerOptions } = options as RequestOptions & Record<string, unknown>;
  // One publish call is one conversation: the messages of a batch share a correlation id (as in FastStream).
  // A conversation that starts here is named after its first message, which saves a UUID per publish.
  const firstId = messageId ?? randomUUID();
  const conversation = correlationId ?? firstId;
  const messages = bodies.map((body, index) => {
    const encoded = codecs.encode(body, contentType);
    return {
      body: encoded.body,
      headers: { ...headers },
      contentType: encoded.contentType,
      correlationId: conversation,
      messageId: index === 0 ? firstId : randomUUID(),
    };
  });
  return { kind, destination, messages, fromHandler, replyTo: undefined, options: brokerOptions, timeoutMs, server };
}
