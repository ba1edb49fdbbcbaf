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
