import * as v from "valibot";

/** A client mistake with a stable machine-readable code; rendered as `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** The body of every error answer. */
export const ErrorBody = v.object({
  error: v.object({
    code: v.pipe(v.string(), v.description("Stable and machine-readable, e.g. invalid_field, not_found, rate_limited.")),
    message: v.pipe(v.string(), v.description("For people; may change.")),
    field: v.optional(v.pipe(v.string(), v.description("The field or parameter at fault, as a dot path."))),
  }),
});

export const badRequest = (code: string, message: string, field?: string) => new ApiError(400, code, message, field);
export const payloadTooLarge = (maxBytes: number) =>
  new ApiError(413, "payload_too_large", `The body is larger than ${maxBytes} bytes.`);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} was not found.`);

export function errorResponse(error: ApiError): Response {
  const body = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
  return Response.json(body, { status: error.status, headers: error.headers });
}

/** Anything that is not an ApiError is our bug: log its type only (never request data) and answer 500. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  // The stack's frames say where; its first line repeats the message, which may quote request data.
  const frames = error instanceof Error ? (error.stack ?? "").split("\n").slice(1).join("\n") : "";
  console.error("unhandled error", error instanceof Error ? error.name : typeof error, frames);
  return errorResponse(new ApiError(500, "internal_error", "Something went wrong on our side; the request may be retried."));
}
