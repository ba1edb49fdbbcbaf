import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi, startServer, wrangler, type Server } from "./harness";

/** `npm run import` end to end: the real CLI, a real CSV file, a real Worker and D1. */
const FIXTURE = join(process.cwd(), "test", "fixtures", "delighted-export.csv");
const facts = JSON.parse(readFileSync(join(process.cwd(), "test", "fixtures", "delighted-export.json"), "utf8")) as { rows: number; taken: number; counts: number[] };
const BIN = join(process.cwd(), "node_modules", ".bin");

function runImport(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--experimental-transform-types", "--no-warnings=ExperimentalWarning", "scripts/import.ts", ...args], {
      env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

const scoreCounts = (scores: number[]) => Array.from({ length: 11 }, (_, s) => scores.filter((x) => x === s).length);

describe("import into a running Tapscore (--url, --token)", () => {
  let server: Server;

  beforeAll(async () => {
    server = await startServer();
    await adminApi(server, "POST", "/api/v1/surveys", { id: "nps-history", name: "NPS history", metric: "nps", segments: ["plan"] });
  });
  afterAll(async () => server?.stop());

  async function exported(): Promise<{ score: number; comment: string | null; properties: Record<string, string>; reason: string }[]> {
    const response = await fetch(`${server.base}/api/v1/surveys/nps-history/responses?format=ndjson`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    const text = await response.text();
    return text === "" ? [] : text.trimEnd().split("\n").map((line) => JSON.parse(line));
  }

  it("a dry run checks every row and writes nothing", async () => {
    const result = await runImport(["--survey", "nps-history", FIXTURE, "--dry-run", "--url", server.base, "--token", server.adminToken]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`would take  ${facts.taken}`);
    expect(result.stdout).toContain(`refused     ${facts.rows - facts.taken}`);
    expect(await exported()).toEqual([]);
  });

  it("imports a Delighted export and reproduces its score counts exactly", async () => {
    const result = await runImport(["--survey", "nps-history", FIXTURE, "--url", server.base, "--token", server.adminToken]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("Preset delighted");
    expect(result.stdout).toContain(`taken       ${facts.taken} (${facts.taken} new, 0 already imported)`);
    expect(result.stdout).toMatch(/3 {2}missing score \(rows \d+, \d+, \d+\)/);
    expect(result.stdout).toContain("score not on the survey's scale 0–10");
    expect(result.stdout).toContain("response time is not a date");
    const responses = await exported();
    expect(scoreCounts(responses.map((r) => r.score))).toEqual(facts.counts);
    expect(responses.every((r) => r.reason === "confirmed")).toBe(true);
    expect(responses.map((r) => r.comment)).toContain("Väldigt nöjd – très bien, Zürich, 日本");
    expect(responses.some((r) => r.properties.plan === "pro" && r.properties.country !== undefined)).toBe(true);
  });

  it("adds nothing when the same file is imported again", async () => {
    const result = await runImport(["--survey", "nps-history", FIXTURE, "--url", server.base, "--token", server.adminToken]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`taken       ${facts.taken} (0 new, ${facts.taken} already imported)`);
    expect(scoreCounts((await exported()).map((r) => r.score))).toEqual(facts.counts);
  });

  it("fails clearly for an unknown survey or a missing token", async () => {
    const unknown = await runImport(["--survey", "nope", FIXTURE, "--url", server.base, "--token", server.adminToken]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('There is no survey "nope"');
    const noToken = await runImport(["--survey", "nps-history", FIXTURE, "--url", server.base]);
    expect(noToken.code).toBe(1);
  });
});

describe("import into the local D1 (the default)", () => {
  const state = mkdtempSync(join(tmpdir(), "tapscore-import-"));
  afterAll(() => rmSync(state, { recursive: true, force: true }));

  // A small export: each row reaches D1 through wrangler's local proxy one statement at a time, so the
  // 214-row fixture (imported above through the Worker) would take minutes here without proving more.
  const small = join(state, "small-export.csv");
  writeFileSync(
    small,
    [
      "Response ID,Response Timestamp,Score,Comment,Person ID,Email,Name,Country,Plan,Delighted Source",
      "1,2025-06-01 10:00:00 UTC,10,Great,p-1,a@example.com,A,NL,pro,email",
      "2,2025-06-02 10:00:00 UTC,9,,p-2,b@example.com,B,,team,web",
      "3,2025-06-03 10:00:00 UTC,7,Fine,p-3,c@example.com,C,,pro,email",
      "4,2025-06-04 10:00:00 UTC,0,\"Slow, and rude\",p-4,d@example.com,D,SE,free,sms",
      "5,2025-06-05 10:00:00 UTC,10,,p-5,e@example.com,E,,pro,email",
      "6,2025-06-06 10:00:00 UTC,11,Off the scale,p-6,f@example.com,F,,pro,email",
      "7,2025-06-07 10:00:00 UTC,,No score,p-7,g@example.com,G,,pro,email",
    ].join("\n") + "\n",
  );


  const d1 = (sql: string) => wrangler(["d1", "execute", "DB", "--local", "--persist-to", state, "--json", "--command", sql]);

  it("runs the Worker's ingestion in-process on the .wrangler state", async () => {
    // The survey needs the schema first. Each wrangler or import run starts a workerd, the slow part of
    // this test, so there is one import run: that a second adds nothing is the --url suite's proof
    // above (the same ingestion and keys in both places).
    await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]);
    const settings = JSON.stringify({ question: {}, follow_up: {}, segments: ["plan"], target: null, benchmark: null });
    await d1(
      `INSERT INTO surveys (id, name, metric, scale_min, scale_max, satisfied_min, headline, locale, timezone, public, min_public_n, settings, created_at, updated_at)
       VALUES ('local-nps', 'Local NPS', 'nps', 0, 10, 9, 'percent', 'en', 'UTC', 0, 10, '${settings}', 0, 0)`,
    );
    const imported = await runImport(["--survey", "local-nps", small, "--persist-to", state]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("taken       5 (5 new, 0 already imported)");
    expect(imported.stdout).toContain("refused     2");
    const [result] = JSON.parse(
      await d1(
        "SELECT r.score, r.comment, json_extract(i.properties, '$.plan') AS plan FROM responses r JOIN invitations i ON i.id = r.invitation_id WHERE r.survey_id = 'local-nps' ORDER BY r.score, r.comment",
      ),
    ) as { results: { score: number; comment: string | null; plan: string }[] }[];
    expect(result!.results).toEqual([
      { score: 0, comment: "Slow, and rude", plan: "free" },
      { score: 7, comment: "Fine", plan: "pro" },
      { score: 9, comment: null, plan: "team" },
      { score: 10, comment: null, plan: "pro" },
      { score: 10, comment: "Great", plan: "pro" },
    ]);
  }, 240_000);
});
