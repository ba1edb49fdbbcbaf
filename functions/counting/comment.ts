/**
 * A person's comment. No imports on purpose: the importer (scripts/lib/import-mapping.ts) runs this
 * same rule in Node.
 */

/** The longest follow-up comment we keep, in characters. */
export const COMMENT_MAX_LENGTH = 2000;

export type CommentCheck = { ok: true; comment: string | null } | { ok: false };

/**
 * A comment as we keep it: control characters other than line breaks and tabs removed (C0, DEL
 * and C1, as the free-text rule refuses them elsewhere), line breaks normalized (NEL, U+0085, is
 * one), trimmed; empty means no comment. Longer than the limit is refused, not cut.
 */
export function cleanComment(raw: string): CommentCheck {
  const cleaned = raw
    .replace(/\r\n?|\u0085/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "")
    .trim();
  if ([...cleaned].length > COMMENT_MAX_LENGTH) return { ok: false };
  return { ok: true, comment: cleaned === "" ? null : cleaned };
}
