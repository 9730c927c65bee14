import type { MessagingFacts } from "../core/index.js";
import type { SemconvMode } from "./options.js";

/** FastStream mode's destination: in span names and in its metric attributes. */
export function faststreamDestination(facts: MessagingFacts): string {
  return facts.faststreamDestination ?? facts.destinationName;
}

/**
 * Every span name, in both conventions. Current: `"{operation} {destination}"`, the template of a wildcard
 * subscription rather than the concrete destination, and temporary destinations left out. FastStream:
 * `"{destination} {action}"`, never left out.
 */
export function spanName(mode: SemconvMode, operation: "send" | "create" | "publish" | "process", facts: MessagingFacts): string {
  if (mode === "faststream") return `${faststreamDestination(facts)} ${operation}`;
  if (facts.temporary === true) return operation;
  return `${operation} ${facts.destinationTemplate ?? facts.destinationName}`;
}
