import * as v from "valibot";
import { ApiError, toErrorResponse } from "../http/errors";

/**
 * Errors as Delighted answered them, which its clients read: `{ status, message }`, and for a refused
 * field 422 with `errors: { field: ["is invalid"] }`. Python's and Ruby's clients raise on any other
 * status than 200, 201, 202, so input mistakes that Tapscore's own API answers with 400 are 422 here;
 * a 429 keeps its integer Retry-After (Python's client fails without it).
 */

export const DelightedErrorBody = v.object({
  status: v.number(),
  message: v.string(),
  errors: v.optional(v.pipe(v.record(v.string(), v.array(v.string())), v.description("Per field, what is wrong with it."))),
});

const STATUS_WORDS: Record<number, string> = {
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Payload Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
};

/** `email: is invalid` → { email: ["is invalid"] }; a message without a field is filed under `base`. */
function fieldErrors(error: ApiError): Record<string, string[]> {
  const field = error.field;
  if (!field) return { base: [error.message] };
  const prefix = `${field}: `;
  const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { [field]: [message.replace(/\.$/, "")] };
}

/** The Delighted-shaped answer to anything a Delighted route threw; our own bugs stay a logged 500. */
export function delightedErrorResponse(error: unknown): Response {
  if (!(error instanceof ApiError)) return toErrorResponse(error);
  const status = error.status === 400 ? 422 : error.status;
  const body: v.InferOutput<typeof DelightedErrorBody> =
    status === 422
      ? { status, message: STATUS_WORDS[422]!, errors: fieldErrors(error) }
      : { status, message: error.status === 429 || error.status === 404 ? STATUS_WORDS[status]! : error.message };
  return Response.json(body, { status, headers: error.headers });
}

/** A field refused the way Delighted words it (`email: is invalid`), answered as 422. */
export const unprocessable = (field: string, message: string) => new ApiError(422, "invalid_field", `${field}: ${message}`, field);
