import type { Scale } from "../scoring/metrics";

/** A score from a URL or form field: digits only, on the survey's scale. */
export function parseScore(raw: string | null | undefined, scale: Scale): number | null {
  if (!raw || !/^\d{1,2}$/.test(raw)) return null;
  const score = Number(raw);
  return score >= scale.min && score <= scale.max ? score : null;
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
