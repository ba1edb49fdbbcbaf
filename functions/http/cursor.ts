import { base64url, base64urlDecode } from "../security/secrets";
import { badRequest } from "./errors";

/** A keyset position in a list ordered by creation time, then id: opaque to callers. */
export interface TimeCursor {
  created_at: number;
  id: string;
}

export const encodeTimeCursor = (cursor: TimeCursor): string => base64url(new TextEncoder().encode(`${cursor.created_at}.${cursor.id}`));

/** The `cursor` query parameter back, if it is one this API gave out for ids like `idPattern`; else a 400. */
export function decodeTimeCursor(raw: string | undefined, idPattern: RegExp): TimeCursor | null {
  if (raw === undefined) return null;
  const bytes = base64urlDecode(raw);
  const match = bytes ? /^(\d{1,15})\.(.+)$/.exec(new TextDecoder().decode(bytes)) : null;
  if (match && idPattern.test(match[2]!)) return { created_at: Number(match[1]), id: match[2]! };
  throw badRequest("invalid_query", "cursor: not a cursor this API gave out.", "cursor");
}

/** A keyset position that is one text (a recipient): opaque to callers, and safe in a query whatever the text. */
export const encodeTextCursor = (text: string): string => base64url(new TextEncoder().encode(text));

/** The text inside a cursor `encodeTextCursor` gave out; null for anything else (not base64url, empty, not UTF-8). */
export function textOfCursor(raw: string): string | null {
  const bytes = base64urlDecode(raw);
  if (!bytes || bytes.length === 0) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The `cursor` query parameter of a list keyed by text, back; a 400 when it is not one this API gave out. */
export function decodeTextCursor(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = textOfCursor(raw);
  if (text === null) throw badRequest("invalid_query", "cursor: not a cursor this API gave out.", "cursor");
  return text;
}
