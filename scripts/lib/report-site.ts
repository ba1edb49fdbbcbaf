/**
 * Keeps the local report site (site/dist, served by `wrangler dev` as static assets) in step with the
 * data, as DEPLOY_HOOK_URL does in production. The start script reads the running Worker's own
 * report export after each cron tick; when what the pages are built from changed, it builds the site
 * from that export. Reading through the Worker means no second process opens the local D1 that
 * `wrangler dev` holds, and it notices every change the pages show (rollups, surveys, annotations,
 * comments), not only the rollup's.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnGroup, stopGroup } from "./process-group.ts";
import type { ChildProcess } from "node:child_process";

export const SITE_DIST = join("site", "dist");

/** GET /api/v1/reports/export as text: exactly what a production build reads with REPORT_SOURCE. */
export async function fetchReportExport(base: string, token: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(`${base}/api/v1/reports/export?audience=internal`, {
    headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    signal,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the report export answered ${response.status}`);
  return text;
}

interface ExportShape {
  generated_at?: unknown;
  surveys?: { survey?: { timezone?: unknown } }[];
}

function localDay(timeZone: string, now: number): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return new Date(now).toISOString().slice(0, 10);
  }
}

/**
 * What the pages depend on: the export without its generation time (new every request), plus each
 * survey's local day, because the pages' windows end on "today" in the survey's time zone.
 */
export function exportFingerprint(text: string, now: number = Date.now()): string {
  const { generated_at: _generated, ...rest } = JSON.parse(text) as ExportShape;
  const zones = new Set((rest.surveys ?? []).map((s) => (typeof s.survey?.timezone === "string" ? s.survey.timezone : "UTC")));
  const days = [...zones].sort().map((zone) => `${zone}=${localDay(zone, now)}`);
  return createHash("sha256").update(JSON.stringify({ rest, days })).digest("hex");
}

/**
 * Makes `to` hold exactly the files of `from`, writing only files whose bytes differ, so unchanged
 * pages keep their ETags and wrangler's watcher sees few events. The folder itself stays (wrangler
 * watches it), and the swap takes milliseconds rather than the length of a build.
 */
export function syncDirectory(from: string, to: string): number {
  let changes = 0;
  mkdirSync(to, { recursive: true });
  const incoming = new Set<string>();
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    incoming.add(entry.name);
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    const existing = existsSync(target) ? statSync(target) : null;
    if (entry.isDirectory()) {
      if (existing && !existing.isDirectory()) rmSync(target, { force: true });
      changes += syncDirectory(source, target);
    } else {
      if (existing?.isDirectory()) rmSync(target, { recursive: true, force: true });
      if (!existing?.isFile() || !readFileSync(source).equals(readFileSync(target))) {
        copyFileSync(source, target);
        changes++;
      }
    }
  }
  for (const name of readdirSync(to)) {
    if (incoming.has(name)) continue;
    rmSync(join(to, name), { recursive: true, force: true });
    changes++;
  }
  return changes;
}

export interface BuildResult {
  ms: number;
  /** Files written or removed in site/dist. */
  changes: number;
}

export interface SiteBuilder {
  /** Builds from this export; a build already running finishes first and only the newest waiting export is built next. */
  request(exportText: string): void;
  /** Resolves when no build is running or waiting. */
  idle(): Promise<void>;
  /** Stops a running build and forgets a waiting one. */
  stop(): Promise<void>;
}

export interface SiteBuilderOptions {
  onBuilt(result: BuildResult): void;
  onFailed(message: string, output: string): void;
}

/** One build at a time: `astro build` into a scratch folder from the export, then a sync into site/dist. */
export function createSiteBuilder(options: SiteBuilderOptions): SiteBuilder {
  let waiting: string | null = null;
  let running: Promise<void> | null = null;
  let child: ChildProcess | null = null;
  let stopped = false;

  async function build(exportText: string): Promise<void> {
    const started = Date.now();
    const scratch = mkdtempSync(join(tmpdir(), "tapscore-start-"));
    try {
      const fixture = join(scratch, "export.json");
      writeFileSync(fixture, exportText, { mode: 0o600 }); // holds comments: readable by this user only
      const out = join(scratch, "dist");
      const astro = spawnGroup("astro", ["build", "--root", "site", "--silent", "--outDir", out], {
        env: { ...process.env, REPORT_FIXTURE: fixture, ASTRO_TELEMETRY_DISABLED: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = astro;
      let output = "";
      astro.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      astro.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
      const code = await new Promise<number | null>((resolve) => {
        astro.on("error", () => resolve(null));
        astro.on("exit", (exitCode) => resolve(exitCode));
      });
      child = null;
      if (stopped) return;
      if (code !== 0) return options.onFailed(`astro build failed (${code === null ? "did not run" : `exit ${code}`})`, output);
      options.onBuilt({ ms: Date.now() - started, changes: syncDirectory(out, SITE_DIST) });
    } catch (error) {
      options.onFailed(error instanceof Error ? error.message : String(error), "");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  function pump(): void {
    if (running || waiting === null || stopped) return;
    const next = waiting;
    waiting = null;
    running = build(next).finally(() => {
      running = null;
      pump();
    });
  }

  return {
    request(exportText) {
      waiting = exportText;
      pump();
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      waiting = null;
      if (child) await stopGroup(child);
      await running;
    },
  };
}
