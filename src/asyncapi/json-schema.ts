// A message's JSON Schema from its Standard Schema: the library's own conversion, through the Standard JSON
// Schema interface (zod ≥ 4.2, arktype, ...) or a library method (zod's toJSONSchema, arktype's
// toJsonSchema). AsyncAPI's default schema format is a superset of draft-07, so that is the target. Bodies
// without a schema (annotation-only handlers) or whose library cannot convert get a permissive schema.
import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { JsonSchema } from "./document.js";

type Direction = "input" | "output";

interface JsonSchemaConverter {
  readonly jsonSchema?: { readonly input?: (options: { target: string }) => JsonSchema; readonly output?: (options: { target: string }) => JsonSchema };
}

/**
 * `input` for what a subscriber receives (the wire format its schema validates), `output` for what a
 * publisher sends.
 */
export function jsonSchemaOf(schema: StandardSchemaV1 | undefined, direction: Direction, absent: string): JsonSchema {
  if (schema === undefined) return permissive(absent);
  const converted = convert(schema, direction);
  if (converted === undefined) return permissive(`${absent} (the ${schema["~standard"].vendor} schema offers no JSON Schema conversion)`);
  const { $schema: _dialect, ...rest } = converted;
  return rest;
}

function convert(schema: StandardSchemaV1, direction: Direction): JsonSchema | undefined {
  const standard = (schema["~standard"] as JsonSchemaConverter).jsonSchema?.[direction];
  const attempts: (() => unknown)[] = [];
  if (typeof standard === "function") attempts.push(() => standard({ target: "draft-07" }));
  const methods = schema as unknown as Record<string, unknown>;
  if (typeof methods.toJSONSchema === "function") attempts.push(() => (methods.toJSONSchema as (options: object) => unknown).call(schema, { target: "draft-7", io: direction }));
  if (typeof methods.toJsonSchema === "function") attempts.push(() => (methods.toJsonSchema as () => unknown).call(schema));
  for (const attempt of attempts) {
    try {
      const result = attempt();
      if (typeof result === "object" && result !== null) return result as JsonSchema;
    } catch {
      // A type JSON Schema cannot express (a transform, a Date): try the next way, then fall back.
    }
  }
  return undefined;
}

function permissive(description: string): JsonSchema {
  return { description };
}
