import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLock } from "./lock";

export const FIXTURE = join(process.cwd(), "test", "fixtures", "report-export.json");

// Astro keeps its prerender chunks in the project, whatever the output folder: two builds at once clash.
const BUILD_LOCK = join(process.cwd(), "node_modules", ".tapscore-site-build.lock");

/** Builds the report site from a report export file into a fresh temporary folder; returns the folder. */
export function buildSite(fixture: string = FIXTURE): Promise<string> {
  return withLock(BUILD_LOCK, () => astroBuild(fixture), { staleMs: 180_000, waitMs: 300_000 });
}

function astroBuild(fixture: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), "tapscore-site-"));
  const bin = join(process.cwd(), "node_modules", ".bin");
  return new Promise((resolve, reject) => {
    const child = spawn(join(bin, "astro"), ["build", "--root", "site", "--outDir", outDir, "--silent"], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, REPORT_FIXTURE: fixture, ASTRO_TELEMETRY_DISABLED: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(outDir) : reject(new Error(`astro build failed (${code}):\n${output}`))));
  });
}

/** A report export with no surveys, as a fresh installation has. */
export function emptyFixture(): string {
  const file = join(mkdtempSync(join(tmpdir(), "tapscore-empty-")), "empty.json");
  writeFileSync(file, JSON.stringify({ generated_at: "2026-11-20T06:00:00.000Z", audience: "internal", through: "2026-11-20", surveys: [] }));
  return file;
}
