import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Site build time and page weight as the data grows: the site's test fixture (three surveys with
 * segments, 120 days) copied k times under new ids, built with REPORT_FIXTURE into a temporary folder.
 */
export interface SiteRun {
  surveys: number;
  pages: number;
  seconds: number;
  msPerPage: number;
  bytesPerPage: number;
}

interface Fixture {
  surveys: { survey: { id: string; name: string } }[];
}

function build(fixture: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(process.cwd(), "node_modules", ".bin", "astro"), ["build", "--root", "site", "--outDir", outDir, "--silent"], {
      env: { ...process.env, REPORT_FIXTURE: fixture },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`astro build: ${stderr.slice(-500)}`))));
  });
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".html")).map((f) => join(dir, f));
}

export async function measureSite(copies: readonly number[], progress: (line: string) => void): Promise<SiteRun[]> {
  const base = JSON.parse(readFileSync("test/fixtures/report-export.json", "utf8")) as Fixture;
  const work = mkdtempSync(join(tmpdir(), "tapscore-bench-site-"));
  try {
    const runs: SiteRun[] = [];
    for (const k of copies) {
      const surveys = Array.from({ length: k }, (_, j) =>
        base.surveys.map((s) => ({ ...s, survey: { ...s.survey, id: j === 0 ? s.survey.id : `${s.survey.id}-${j}`, name: `${s.survey.name} ${j || ""}`.trim() } })),
      ).flat();
      const fixture = join(work, `export-${k}.json`);
      writeFileSync(fixture, JSON.stringify({ ...base, surveys }));
      const outDir = join(work, `dist-${k}`);
      const started = performance.now();
      await build(fixture, outDir);
      const seconds = (performance.now() - started) / 1000;
      const pages = htmlFiles(outDir);
      const bytes = pages.reduce((sum, file) => sum + statSync(file).size, 0);
      runs.push({ surveys: surveys.length, pages: pages.length, seconds, msPerPage: (seconds * 1000) / pages.length, bytesPerPage: bytes / pages.length });
      progress(`site: ${surveys.length} surveys → ${pages.length} pages in ${seconds.toFixed(1)} s`);
    }
    return runs;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
