import { diag } from "@opentelemetry/api";

/** Telemetry never throws into user code: a failure of its own is reported here and the message goes on. */
export function reportFailure(what: string, error: unknown): void {
  diag.warn(`postline telemetry could not ${what}; the message goes on untraced`, error);
}
