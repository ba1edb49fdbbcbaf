import { readLimitedText } from "./body";
import { ApiError, badRequest, payloadTooLarge } from "./errors";
import { NOT_WELL_FORMED, firstIllFormed } from "./text";

export const MAX_JSON_BYTES = 1_048_576;

/**
 * Reads a JSON object body, refusing what is too large (413), not JSON (415/400), not an object, or
 * holding a string that is not well-formed Unicode (400 naming it: JSON's \ud800 escapes parse to
 * lone surrogates). The size is checked on the bytes actually read, not only on the Content-Length header.
 */
export async function readJsonObject(request: Request, maxBytes = MAX_JSON_BYTES): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw payloadTooLarge(maxBytes);
  return parseJsonObject(await readLimitedText(request, maxBytes));
}

/** A JSON object from text, with readJsonObject's refusals (not JSON, not an object, ill-formed Unicode). */
export function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("invalid_json", "The body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw badRequest("invalid_body", "The body must be a JSON object.");
  }
  const illFormed = firstIllFormed(value);
  if (illFormed !== null) throw badRequest("invalid_field", `${illFormed}: ${NOT_WELL_FORMED}.`, illFormed);
  return value as Record<string, unknown>;
}

