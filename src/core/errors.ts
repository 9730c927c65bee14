/**
 * Postline's error hierarchy. Failures extend `PostlineError`; setup errors tell the user what to do.
 * Settlement signals (`AckMessage`, `NackMessage`, `RejectMessage`) are control flow, not failures: a handler
 * throws one to choose how its message is settled, and telemetry never reports them as errors.
 */
export class PostlineError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A broker method that needs a connection was called before `connect()`/`start()` or after `close()`. */
export class NotConnectedError extends PostlineError {
  constructor(operation: string, brokerName: string) {
    super(`Cannot ${operation}: the ${brokerName} broker is not connected. Call \`await broker.start()\` (or run it in an App) first.`);
  }
}

/** The broker (or this configuration of it) cannot do what was asked. */
export class FeatureNotSupportedError extends PostlineError {}

/** An optional peer dependency that a subpath needs is not installed. */
export class MissingPeerDependencyError extends PostlineError {
  readonly packageName: string;
  constructor(packageName: string, feature: string, options?: ErrorOptions) {
    super(`${feature} needs the package "${packageName}". Install it with: npm install ${packageName}`, options);
    this.packageName = packageName;
  }
}

/** Options that cannot work together, or values out of range. Thrown at construction, never later. */
export class ConfigurationError extends PostlineError {}

/** A message body could not be decoded with the codec its content type selects. */
export class DecodeError extends PostlineError {
  readonly subscriber: string;
  readonly contentType: string | undefined;
  constructor(subscriber: string, contentType: string | undefined, cause: unknown) {
    super(`Subscriber "${subscriber}" could not decode a message body (content type ${contentType ?? "not set"}): ${describe(cause)}`, { cause });
    this.subscriber = subscriber;
    this.contentType = contentType;
  }
}

/** One problem that a Standard Schema reported. */
export interface ValidationIssue {
  readonly message: string;
  readonly path: readonly PropertyKey[];
}

/** A decoded body did not satisfy the subscriber's schema. */
export class ValidationError extends PostlineError {
  readonly subscriber: string;
  readonly issues: readonly ValidationIssue[];
  constructor(subscriber: string, issues: readonly ValidationIssue[]) {
    const summary = issues
      .slice(0, 5)
      .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
      .join("; ");
    super(`Subscriber "${subscriber}" rejected a message that does not match its schema: ${summary}`);
    this.subscriber = subscriber;
    this.issues = issues;
  }
}

/** `broker.request()` got no reply in time. */
export class RequestTimeoutError extends PostlineError {
  readonly destination: string;
  readonly timeoutMs: number;
  constructor(destination: string, timeoutMs: number) {
    super(`No reply from "${destination}" within ${timeoutMs} ms`);
    this.destination = destination;
    this.timeoutMs = timeoutMs;
  }
}

/** The broker knows that nobody consumes the requested destination. */
export class NoRespondersError extends PostlineError {
  constructor(destination: string) {
    super(`No subscriber answers requests on "${destination}"`);
  }
}

/** A message exceeded a size the broker or the subscriber accepts. */
export class MessageTooLargeError extends PostlineError {}

/** Base of the settlement signals a handler may throw. Not a failure. */
export abstract class SettlementSignal extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Throw from a handler to acknowledge the message now and stop processing (no result is published). */
export class AckMessage extends SettlementSignal {
  constructor() {
    super("message acknowledged by the handler");
  }
}

/** Throw from a handler to negatively acknowledge: the broker redelivers it when `requeue` is true (default). */
export class NackMessage extends SettlementSignal {
  readonly requeue: boolean;
  constructor(options: { requeue?: boolean } = {}) {
    super("message negatively acknowledged by the handler");
    this.requeue = options.requeue ?? true;
  }
}

/** Throw from a handler to reject the message: no redelivery; dead-lettered where the broker can. */
export class RejectMessage extends SettlementSignal {
  constructor() {
    super("message rejected by the handler");
  }
}

export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  return String(value);
}
