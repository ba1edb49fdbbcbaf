import type { IRequest } from "itty-router";
import { escapeHtml } from "../../http/html";
import { isoTime } from "../../http/time";
import { listAudit } from "../../storage/audit";
import { htmlResponse, managePage, page, scrollTable } from "./shell";

const PAGE = 100;

/** GET /internal/manage/audit — every change made through the manage pages, newest first. */
export function auditPage(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async () => {
    const raw = new URL(request.url).searchParams.get("before") ?? "";
    const before = /^\d{1,15}$/.test(raw) ? Number(raw) : null;
    const { entries, next } = await listAudit(env.DB, { before, limit: PAGE });
    const rows = entries.map(
      (e) => `<tr><td>${isoTime(e.at)}</td><td>${escapeHtml(e.actor)}</td><td>${escapeHtml(e.action)}</td><td>${escapeHtml(e.subject)}</td><td>${escapeHtml(e.detail)}</td></tr>`,
    );
    const table = rows.length ? scrollTable("Audit log", ["When (UTC)", "Who", "What", "On", "Detail"], rows) : `<p>No changes yet.</p>`;
    const more = next === null ? "" : `<p><a href="/internal/manage/audit?before=${next}">Older changes</a></p>`;
    return htmlResponse(page("Audit log", `<p class="muted">Every change made on these pages: who, what and when.</p>${table}${more}`));
  });
}
