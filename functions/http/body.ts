import { badRequest, payloadTooLarge } from "./errors";

/** Reads a body as UTF-8 text, stopping with 413 as soon as it passes maxBytes. */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const body = bodyOf(request);
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw badRequest("invalid_body", "The body is not valid UTF-8.");
  }
}

/**
 * The body stream, or null. Routes get the request wrapped in itty-router's params proxy, whose getter
 * throws on a property that is null — as `body` is on a request sent without one.
 */
function bodyOf(request: Request): ReadableStream<Uint8Array> | null {
  try {
    return request.body;
  } catch {
    return null;
  }
}
