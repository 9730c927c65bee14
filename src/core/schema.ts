import type { StandardSchemaV1 } from "@standard-schema/spec";
import { ValidationError } from "./errors.js";

export type { StandardSchemaV1 };

/** The handler's body type: the schema's output, or what the handler's annotation says when there is none. */
export type InferBody<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : unknown;

/** Validates with any Standard Schema (zod, valibot, arktype, ...); resolves to the schema's output. */
export async function validateBody(schema: StandardSchemaV1, value: unknown, subscriber: string): Promise<unknown> {
  let result = schema["~standard"].validate(value);
  if (result instanceof Promise) result = await result;
  if (result.issues !== undefined) {
    throw new ValidationError(
      subscriber,
      result.issues.map((issue) => ({
        message: issue.message,
        path: (issue.path ?? []).map((segment) => (typeof segment === "object" ? segment.key : segment)),
      })),
    );
  }
  return result.value;
}
