import { env } from "cloudflare:test";
import { api } from "./api";
import { fetchChecked } from "./document";

export const CHROME =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

/** Headers a modern browser sends when a person follows a link from a mail app. */
export const PERSON = {
  "user-agent": CHROME,
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": "none",
  "sec-fetch-dest": "document",
  "sec-fetch-user": "?1",
};

export interface Invited {
  id: string;
  recipient: string;
  url: string;
  links: Record<string, string>;
  html: string;
  text: string;
  locale: string;
}

export async function createSurvey(id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await api("POST", "/api/v1/surveys", { body: { id, name: `Survey ${id}`, metric: "csat", ...extra } });
  if (response.status !== 201) throw new Error(`survey ${id}: ${response.status} ${await response.text()}`);
}

export async function invite(surveyId: string, recipients: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const response = await api("POST", `/api/v1/surveys/${surveyId}/invitations`, { body: { recipients, ...extra } });
  if (response.status !== 201) throw new Error(`invite: ${response.status} ${await response.text()}`);
  return (await response.json()) as { invitations: Invited[]; skipped: { recipient: string; reason: string }[] };
}

/** A path of a link, so tests can call it on the test origin. */
export const pathOf = (link: string) => new URL(link).pathname;

export function visit(link: string, init: RequestInit & { cf?: Record<string, unknown> } = {}, headers: Record<string, string> = PERSON) {
  return fetchChecked(`http://tapscore.test${pathOf(link)}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
}

export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = PERSON) {
  return fetchChecked(`http://tapscore.test${pathOf(url)}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin", "sec-fetch-mode": "navigate" },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * A form body posted with exactly these headers: postForm's are a person's on our own page; this one
 * is for another site's page, an old browser's or a body of any size.
 */
export function postBody(url: string, body: string, headers: Record<string, string>) {
  return fetchChecked(`http://tapscore.test${pathOf(url)}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
}

export async function responseOf(invitationId: string) {
  return env.DB.prepare("SELECT * FROM responses WHERE invitation_id = ?1").bind(invitationId).first<{
    id: string;
    score: number;
    status: string;
    reason: string;
    comment: string | null;
  }>();
}

export async function countRows(table: "events" | "responses" | "invitations"): Promise<number> {
  return (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

export const nonceOf = (html: string) => /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? "";
