import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { wrangler } from "./harness";

const run = promisify(execFile);
const BIN = join(process.cwd(), "node_modules", ".bin");
const env = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" };
const state = mkdtempSync(join(tmpdir(), "tapscore-demo-"));

afterAll(() => rmSync(state, { recursive: true, force: true }));

/** The characters of an invitation id: lowercase Crockford base32. */
const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

const node = (script: string, ...args: string[]) =>
  run(join(BIN, "node"), ["--experimental-transform-types", "--no-warnings=ExperimentalWarning", script, ...args, "--persist-to", state], { env });

/** Several statements in one `wrangler d1 execute` (each start of wrangler costs seconds): each statement's rows. */
async function queries(...sql: string[]): Promise<unknown[][]> {
  const stdout = await wrangler(["d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command", sql.join(";\n")]);
  return (JSON.parse(stdout) as { results: unknown[] }[]).map((statement) => statement.results);
}

describe("the demo `npm start` loads into an empty database", () => {
  it("has at least three surveys over 120+ days and 20,000+ responses, rolled up, and loads only once", async () => {
    await node("scripts/migrate.ts", "--local");
    const first = await node("scripts/demo.ts");
    expect(first.stdout).toMatch(/Loaded the demo: \d+ surveys/);

    const [[totals], [rollups], [counted], [annotations], [shapes]] = (await queries(
      `SELECT COUNT(DISTINCT r.survey_id) AS surveys, COUNT(DISTINCT s.metric) AS metrics, COUNT(DISTINCT s.locale) AS locales,
              COUNT(*) AS responses, (MAX(r.created_at) - MIN(r.created_at)) / 86400000 AS days
       FROM responses r JOIN surveys s ON s.id = r.survey_id`,
      "SELECT SUM((SELECT SUM(value) FROM json_each(counts))) AS counted FROM rollup_days WHERE dimension = 'all'",
      "SELECT COUNT(*) AS n FROM responses WHERE status = 'counted'",
      "SELECT COUNT(*) AS n FROM annotations",
      // Demo rows look like real ones, so every id the API hands out for them is one it takes back.
      // D1 caps GLOB patterns at 50 bytes: rtrim by the alphabet leaves nothing of an id made of it.
      `SELECT (SELECT COUNT(*) FROM responses WHERE NOT (length(id) = 20 AND substr(id, 1, 4) = 'rsp_' AND rtrim(substr(id, 5), '${CROCKFORD}') = '')) AS odd_responses,
              (SELECT COUNT(*) FROM invitations WHERE NOT (length(id) = 16 AND rtrim(id, '${CROCKFORD}') = '')) AS odd_invitations,
              (SELECT COUNT(*) FROM annotations WHERE NOT (length(id) = 24 AND substr(id, 1, 4) = 'ann_' AND rtrim(substr(id, 5), '0123456789abcdef') = '')) AS odd_annotations`,
    )) as [
      [{ surveys: number; metrics: number; locales: number; responses: number; days: number }],
      [{ counted: number }],
      [{ n: number }],
      [{ n: number }],
      [{ odd_responses: number; odd_invitations: number; odd_annotations: number }],
    ];
    expect(totals.surveys).toBeGreaterThanOrEqual(3);
    expect(totals.metrics).toBeGreaterThanOrEqual(3);
    expect(totals.locales).toBeGreaterThanOrEqual(3);
    expect(totals.responses).toBeGreaterThanOrEqual(20_000);
    expect(totals.days).toBeGreaterThanOrEqual(120);
    expect(rollups.counted).toBe(counted.n);
    expect(annotations.n).toBeGreaterThanOrEqual(3);
    expect(shapes).toEqual({ odd_responses: 0, odd_invitations: 0, odd_annotations: 0 });

    const second = await node("scripts/demo.ts");
    expect(second.stdout).toContain("already has surveys");
  }, 180_000);
});
