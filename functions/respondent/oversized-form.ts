/**
 * A comment form too large to take, read from the start of its body only: what of the person's text
 * can be shown back to them, so an error page never loses it. Pure.
 */
import { COMMENT_MAX_LENGTH } from "../counting/comment";
import type { Scale } from "../scoring/metrics";
import { parseRespondentForm } from "./form";

/**
 * The start of an urlencoded body cut at any byte, shortened to whole characters: an escape cut in
 * two ("%E", "%") goes, and so do the escapes of a UTF-8 sequence cut short ("%E2%82" of "€"), which
 * would otherwise decode to U+FFFD.
 */
export function wholeCharacters(encoded: string): string {
  let end = encoded.length - (/%[0-9A-Fa-f]?$/.exec(encoded)?.[0].length ?? 0);
  // Walk back over the trailing escapes to the byte that starts their last sequence.
  for (let continuation = 0; continuation < 4 && end - 3 * continuation >= 3; continuation++) {
    const escape = encoded.slice(end - 3 * (continuation + 1), end - 3 * continuation);
    if (!/^%[0-9A-Fa-f]{2}$/.test(escape)) break;
    const byte = parseInt(escape.slice(1), 16);
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (length > continuation + 1) end -= 3 * (continuation + 1);
    break;
  }
  return encoded.slice(0, end);
}

/**
 * The score and the first COMMENT_MAX_LENGTH code points of the comment in the start of a comment
 * form; null when the start is not one of our comment forms. Our page sends the comment last, after
 * its few short fields, so the start of any body over the form limit holds at least that much of it.
 */
export function commentFromStart(start: string, scale: Scale): { score: number; comment: string } | null {
  const form = parseRespondentForm(wholeCharacters(start), scale);
  if (form?.action !== "comment") return null;
  // A raw (unencoded) multi-byte character cut at the end decodes to U+FFFD: not the person's.
  const comment = [...form.comment.replace(/\uFFFD$/, "")].slice(0, COMMENT_MAX_LENGTH).join("");
  return { score: form.score, comment };
}
