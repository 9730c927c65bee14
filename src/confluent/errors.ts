import { PostlineError } from "../core/index.js";

/** The cluster could not be reached, or refused what the adapter asked (the message names the servers; librdkafka's error is the cause). */
export class ConfluentError extends PostlineError {}

/**
 * Why the client module could not load: the package is there but its native librdkafka binding is not (built
 * for another Node, or never built, since the prebuilt download is often unreachable) gets an error that says
 * how to build it; anything else (a MissingPeerDependencyError among them) is passed on as it is.
 */
export function explainLoadFailure(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERR_DLOPEN_FAILED" || (error instanceof Error && /Could not locate the bindings file|confluent-kafka-javascript\.node|dlopen/i.test(error.message))) {
    return new ConfluentError("postline/confluent: @confluentinc/kafka-javascript is installed but its native librdkafka binding did not load: run `npm run setup:native`", { cause: error });
  }
  return error;
}
