import * as v from "valibot";
import { badRequest } from "./errors";

/** Validates untrusted input against a valibot schema; the first problem becomes a 400 naming its field. */
export function parseOrThrow<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const field = v.getDotPath(issue) ?? undefined;
  const unknownKey = issue.kind === "schema" && issue.expected === "never" && field;
  const message = unknownKey ? `Unknown field "${field}".` : field ? `${field}: ${issue.message}` : issue.message;
  return throwInvalid(message, field);
}

function throwInvalid(message: string, field: string | undefined): never {
  throw badRequest("invalid_field", message, field);
}
