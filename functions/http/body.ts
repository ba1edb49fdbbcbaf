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
 * At most the first maxBytes of a body, and whether that was all of it. Reading stops there, so a
 * body of any size costs at most maxBytes; what was read can still be shown back to whoever sent it.
 */
export async function readPrefix(request: Request, maxBytes: number): Promise<{ bytes: Uint8Array; complete: boolean }> {
  const body = bodyOf(request);
  if (!body) return { bytes: new Uint8Array(0), complete: true };
  const reader = body.getReader();
  const bytes = new Uint8Array(maxBytes);
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { bytes: bytes.subarray(0, size), complete: true };
    const room = maxBytes - size;
    bytes.set(value.subarray(0, room), size);
    size += Math.min(room, value.byteLength);
    if (value.byteLength > room) {
      await reader.cancel();
      return { bytes, complete: false };
    }
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
