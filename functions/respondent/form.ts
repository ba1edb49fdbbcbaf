import { COMMENT_MAX_LENGTH } from "../i18n/respondent-messages";
import type { Scale } from "../scoring/metrics";

/** A score from a URL or form field: digits only, on the survey's scale. */
export function parseScore(raw: string | null | undefined, scale: Scale): number | null {
  if (!raw || !/^\d{1,2}$/.test(raw)) return null;
  const score = Number(raw);
  return score >= scale.min && score <= scale.max ? score : null;
}

export type CommentCheck = { ok: true; comment: string | null } | { ok: false };

/**
 * A comment as we keep it: control characters other than line breaks and tabs removed, line
 * breaks normalized, trimmed; empty means no comment. Longer than the limit is refused, not cut.
 */
export function cleanComment(raw: string): CommentCheck {
  const cleaned = raw
    .replace(/\r\n?/g, "\n")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "")
    .trim();
  if ([...cleaned].length > COMMENT_MAX_LENGTH) return { ok: false };
  return { ok: true, comment: cleaned === "" ? null : cleaned };
}

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export type RespondentForm =
  | { action: "choose"; score: number; nonce: string | null }
  | { action: "comment"; score: number; nonce: string | null; comment: string };

/** Reads the page's urlencoded form; null when it is not one of our two forms. */
export function parseRespondentForm(body: string, scale: Scale): RespondentForm | null {
  const form = new URLSearchParams(body);
  const score = parseScore(form.get("score"), scale);
  if (score === null) return null;
  const rawNonce = form.get("nonce");
  const nonce = rawNonce && NONCE_PATTERN.test(rawNonce) ? rawNonce : null;
  const action = form.get("action") ?? "choose";
  if (action === "choose") return { action, score, nonce };
  const comment = form.get("comment");
  if (action === "comment" && comment !== null) return { action, score, nonce, comment };
  return null;
}
