import * as v from "valibot";
import { COMMENT_MAX_LENGTH } from "../counting/comment";
import { urlEncodedFields } from "../http/text";
import type { Scale } from "../scoring/metrics";

const SCORE_PATTERN = /^\d{1,2}$/;

/** A score from a URL or form field: digits only, on the survey's scale. */
export function parseScore(raw: string | null | undefined, scale: Scale): number | null {
  if (!raw || !SCORE_PATTERN.test(raw)) return null;
  return onScale(Number(raw), scale);
}

const onScale = (score: number, scale: Scale): number | null => (score >= scale.min && score <= scale.max ? score : null);

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The page's two urlencoded forms, as the handler reads them and the OpenAPI document shows them.
 * Fields other than these are ignored; a nonce that is not one of ours is ignored too (it only tells
 * a replayed POST apart), and whether the score is on the survey's scale is checked after parsing.
 */
export const RespondentFormBody = v.pipe(
  v.object({
    action: v.optional(
      v.pipe(v.picklist(["choose", "comment"]), v.description("choose: another score; comment: a comment on the score chosen (comment is then required).")),
      "choose",
    ),
    score: v.pipe(v.string(), v.description("A score on the survey's scale."), v.regex(SCORE_PATTERN), v.transform(Number)),
    comment: v.optional(
      v.pipe(
        v.string(),
        v.description(`The comment, at most ${COMMENT_MAX_LENGTH} characters once cleaned; empty clears it. A longer one, or one whose escapes are not UTF-8, answers 400 with the page and the text kept.`),
      ),
    ),
    nonce: v.optional(
      v.pipe(
        v.string(),
        v.description("The one-time id of the page the form came from."),
        v.transform((raw): string | null => (NONCE_PATTERN.test(raw) ? raw : null)),
      ),
    ),
  }),
  v.check((form) => form.action === "choose" || form.comment !== undefined, "a comment form sends its comment"),
);

export type RespondentForm =
  | { action: "choose"; score: number; nonce: string | null }
  | { action: "comment"; score: number; nonce: string | null; comment: string };

/**
 * The fields of a urlencoded body; a field given twice counts with its first value. wellFormed is
 * false when an escape is not UTF-8: a browser encodes our UTF-8 page's forms as UTF-8, and reading
 * such a body as URLSearchParams would (U+FFFD) would keep other text than was sent.
 */
function formFields(body: string): { fields: Record<string, string>; wellFormed: boolean } {
  const first = new Map<string, string>();
  let wellFormed = true;
  for (const field of urlEncodedFields(body)) {
    wellFormed &&= field.wellFormed;
    if (!first.has(field.name)) first.set(field.name, field.value);
  }
  return { fields: Object.fromEntries(first), wellFormed };
}

function readFields(fields: Record<string, string>, scale: Scale): RespondentForm | null {
  const parsed = v.safeParse(RespondentFormBody, fields);
  if (!parsed.success) return null;
  const { action, comment } = parsed.output;
  const score = onScale(parsed.output.score, scale);
  if (score === null) return null;
  const nonce = parsed.output.nonce ?? null;
  if (action === "choose") return { action, score, nonce };
  return comment === undefined ? null : { action, score, nonce, comment };
}

/** Reads the page's urlencoded form; null when it is not one of our two forms, its score is off the scale, or an escape is not UTF-8. */
export function parseRespondentForm(body: string, scale: Scale): RespondentForm | null {
  const { fields, wellFormed } = formFields(body);
  return wellFormed ? readFields(fields, scale) : null;
}

/**
 * A comment form that parseRespondentForm refused because an escape is not UTF-8: its score and its
 * comment as far as it can be read (U+FFFD where bytes were lost), to show back, never to keep.
 */
export function unreadableComment(body: string, scale: Scale): { score: number; comment: string } | null {
  const { fields, wellFormed } = formFields(body);
  const form = wellFormed ? null : readFields(fields, scale);
  return form?.action === "comment" ? { score: form.score, comment: form.comment } : null;
}
