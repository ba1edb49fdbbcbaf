/**
 * The one place the site gets its data, read once per build (memoized):
 *   - REPORT_FIXTURE=path/to/export.json: a file (tests);
 *   - REPORT_SOURCE=https://feedback.example.com with REPORT_TOKEN: a deployed Tapscore's
 *     GET /api/v1/reports/export (production builds);
 *   - otherwise the local D1 that `wrangler dev` uses, through wrangler's getPlatformProxy.
 * It always reads the internal export; public pages use `loadPublicReport`, which derives the public
 * view from it in one pure function, so a public page cannot reach comments, segments or properties.
 * An empty or never-migrated local database builds pages that say "no surveys yet"; it never fails.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ReportExport } from "../../../functions/reports/report-data";
import { freshnessText } from "./freshness";
import { toPublicExport } from "./public-export";

declare const __TAPSCORE_WRANGLER_CONFIG__: string;

let internal: Promise<ReportExport> | undefined;
let publicView: Promise<ReportExport> | undefined;

export function loadInternalReport(): Promise<ReportExport> {
  internal ??= load();
  return internal;
}

export function loadPublicReport(): Promise<ReportExport> {
  publicView ??= loadInternalReport().then(toPublicExport);
  return publicView;
}

export function emptyExport(now: number): ReportExport {
  const iso = new Date(now).toISOString();
  return { generated_at: iso, audience: "internal", through: iso.slice(0, 10), public_url: null, deploy_hook: null, surveys: [] };
}

/** The Worker's cron expression from its wrangler.toml, which the deployed Worker runs on; null when it cannot be read. */
export function workerCron(): string | null {
  try {
    return /^\s*crons\s*=\s*\[\s*"([^"]+)"/m.exec(readFileSync(__TAPSCORE_WRANGLER_CONFIG__, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

async function load(): Promise<ReportExport> {
  const fixture = process.env.REPORT_FIXTURE;
  if (fixture) return checked(JSON.parse(await readFile(resolve(fixture), "utf8")), `REPORT_FIXTURE ${fixture}`);
  const source = process.env.REPORT_SOURCE;
  if (source) return fromSource(source, process.env.REPORT_TOKEN);
  return fromLocalD1();
}

async function fromSource(source: string, token: string | undefined): Promise<ReportExport> {
  if (!token) throw new Error("REPORT_SOURCE is set but REPORT_TOKEN is not: the export needs a key with the reports scope.");
  const url = `${source.replace(/\/+$/, "")}/api/v1/reports/export?audience=internal`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  return checked(await response.json(), url);
}

/** The local D1 of `wrangler dev` (.wrangler/state), created empty if it does not exist yet. */
async function fromLocalD1(): Promise<ReportExport> {
  const [{ getPlatformProxy }, { buildReportExport }] = await Promise.all([import("wrangler"), import("../../../functions/reports/export")]);
  const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: __TAPSCORE_WRANGLER_CONFIG__, envFiles: [], remoteBindings: false });
  try {
    return await buildReportExport(proxy.env.DB, "internal", Date.now());
  } catch (error) {
    // A fresh clone before `npm start` has applied schema.sql: no tables means no surveys yet.
    if (error instanceof Error && /no such table/i.test(error.message)) return emptyExport(Date.now());
    throw error;
  } finally {
    await proxy.dispose();
  }
}

function checked(value: unknown, from: string): ReportExport {
  const data = value as Partial<ReportExport> | null;
  if (typeof data !== "object" || data === null || !Array.isArray(data.surveys) || typeof data.through !== "string" || typeof data.generated_at !== "string") {
    throw new Error(`${from}: not a Tapscore report export (expected generated_at, through and surveys).`);
  }
  // Exports from before public_url and deploy_hook existed know neither.
  return { ...(data as ReportExport), public_url: typeof data.public_url === "string" ? data.public_url : null, deploy_hook: typeof data.deploy_hook === "boolean" ? data.deploy_hook : null };
}

/** The footer line every page carries: when its numbers are from and when they may change. */
export function pageFreshness(data: Pick<ReportExport, "generated_at" | "deploy_hook">): string {
  return freshnessText({ generated_at: data.generated_at, cron: workerCron(), deploy_hook: data.deploy_hook });
}
