import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";

/**
 * `npm run import -- --url … --token …` (scripts/import.ts, apiTarget) against a scripted local API:
 * what it retries (429 after Retry-After, 5xx, dropped connections, each with a bound), what it
 * reports as refused without retrying (409 for a changed row), and how it ends on a missing or
 * archived survey. The server records every request it saw.
 */

const NODE = join(process.cwd(), "node_modules", ".bin", "node");
const dir = mkdtempSync(join(tmpdir(), "tapscore-import-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = "Response ID,Response Timestamp,Score,Comment,Person ID,Email,Name,Country,Plan,Delighted Source";
function csv(name: string, ids: readonly string[]): string {
  const path = join(dir, `${name}.csv`);
  const rows = ids.map((id, i) => `${id},2025-11-23 10:22:5${i} UTC,${9 - i},Fine,person-${id},p${id}@example.com,P ${id},,team,web`);
  writeFileSync(path, [HEADER, ...rows].join("\n") + "\n");
  return path;
}

interface Seen {
  method: string;
  path: string;
  key: string | undefined;
  authorization: string | undefined;
  at: number;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | "drop";
/** Answers a POST: gets the row's idempotency key and how many POSTs with that key came before. */
type Script = (key: string, before: number) => Answer;

const SURVEY = { id: "s", name: "S", metric: "nps", scale: { min: 0, max: 10 }, segments: [], archived: false };

async function withApi(script: Script, options: { survey?: Answer } = {}) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const key = req.headers["idempotency-key"];
      const entry: Seen = { method: req.method ?? "", path: req.url ?? "", key: typeof key === "string" ? key : undefined, authorization: req.headers.authorization, at: Date.now() };
      const before = seen.filter((s) => s.method === "POST" && s.key === entry.key).length;
      seen.push(entry);
      const answer: Answer = req.method === "GET" ? (options.survey ?? { status: 200, body: SURVEY }) : script(entry.key ?? "", before);
      if (answer === "drop") {
        req.socket.destroy();
        return;
      }
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    seen,
    posts: () => seen.filter((s) => s.method === "POST"),
    /** Runs the importer; it is killed after killAfterMs, or once the server has seen more than maxPosts POSTs. */
    run: (file: string, maxPosts = Infinity, killAfterMs = 50_000) => runImport(port, file, killAfterMs, () => seen.filter((s) => s.method === "POST").length > maxPosts),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Result {
  code: number | null;
  killed: boolean;
  stdout: string;
  stderr: string;
}

function runImport(port: number, file: string, killAfterMs: number, enough: () => boolean): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(
      NODE,
      ["--experimental-transform-types", "--no-warnings=ExperimentalWarning", "scripts/import.ts", "--url", `http://127.0.0.1:${port}`, "--token", "t", "--survey", "s", file],
      { cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let killed = false;
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started < killAfterMs && !enough()) return;
      killed = true;
      child.kill("SIGKILL");
    }, 50);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ code, killed, stdout, stderr });
    });
  });
}

const created = { status: 201, body: { id: "r" } };
const error = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });

describe.concurrent("import --url: retries and refusals", { timeout: 60_000 }, () => {
  it("waits out a 429's Retry-After, retries a 5xx and a dropped connection with the same key, and takes every row", async ({ expect }) => {
    const api = await withApi((key, before) => {
      if (before > 0) return created;
      if (key.endsWith(":9001")) return { status: 429, headers: { "retry-after": "1" }, body: {} };
      return key.endsWith(":9101") ? error(503, "unavailable", "try later") : "drop";
    });
    try {
      const result = await api.run(csv("transient", ["9001", "9101", "9102"]));
      expect(result.code, result.stderr).toBe(0);
      const posts = api.posts();
      for (const id of ["9001", "9101", "9102"]) expect(posts.filter((p) => p.key === `import:delighted:${id}`), id).toHaveLength(2);
      expect(posts).toHaveLength(6);
      expect(posts.every((p) => p.authorization === "Bearer t")).toBe(true);
      const limited = posts.filter((p) => p.key === "import:delighted:9001");
      expect(limited[1]!.at - limited[0]!.at).toBeGreaterThanOrEqual(950);
      expect(result.stdout).toContain("taken       3 (3 new, 0 already imported)");
      expect(result.stdout).toContain("refused     0");
    } finally {
      await api.close();
    }
  });

  it("gives up on a row after 4 attempts of 500 and reports it refused", async ({ expect }) => {
    const api = await withApi(() => error(500, "internal", "boom"));
    try {
      const result = await api.run(csv("always-500", ["9201"]));
      expect(result.killed).toBe(false);
      expect(api.posts()).toHaveLength(4);
      expect(result.stdout).toContain("taken       0 (0 new, 0 already imported)");
      expect(result.stdout).toContain("refused     1");
      expect(result.stdout).toMatch(/1 {2}boom \(row 2\)/);
    } finally {
      await api.close();
    }
  });

  it("gives up on a row after 4 dropped connections and still prints the summary", async ({ expect }) => {
    const api = await withApi(() => "drop");
    try {
      const result = await api.run(csv("always-drop", ["9301"]));
      expect(result.killed).toBe(false);
      expect(api.posts()).toHaveLength(4);
      expect(result.stdout).toContain("refused     1");
      expect(result.stdout).toMatch(/1 {2}Tapscore did not answer after 4 tries \(row 2\)/);
    } finally {
      await api.close();
    }
  });

  it("reports a 409 for a changed row as refused, once, without retrying it, and a 200 as already imported", async ({ expect }) => {
    const api = await withApi((key) =>
      key.endsWith(":9401")
        ? error(409, "idempotency_conflict", "This Idempotency-Key was used with a different body.")
        : { status: 200, body: { id: "r" } },
    );
    try {
      const result = await api.run(csv("changed", ["9401", "9402"]));
      expect(result.code, result.stderr).toBe(0);
      expect(api.posts().map((p) => p.key).sort()).toEqual(["import:delighted:9401", "import:delighted:9402"]);
      expect(result.stdout).toContain("taken       1 (0 new, 1 already imported)");
      expect(result.stdout).toContain("refused     1");
      expect(result.stdout).toContain("1  imported before with different content (same response id) (row 2)");
    } finally {
      await api.close();
    }
  });

  it("names a survey archived during the import in the summary instead of calling its rows changed", async ({ expect }) => {
    const archived = "This survey is archived and takes no new responses.";
    // Archived while the import runs: the survey was open when the import began.
    const api = await withApi(() => error(409, "survey_archived", archived));
    try {
      const result = await api.run(csv("archived", ["9501", "9502"]));
      expect(result.killed).toBe(false);
      expect(result.stdout).toContain(`2  ${archived} (rows 2, 3)`);
      expect(result.stdout).not.toContain("imported before with different content");
      expect(api.posts().length).toBeLessThanOrEqual(2); // no retry of a 409
    } finally {
      await api.close();
    }
  });

  it("stops with a clear message, exit 1 and no POST when the survey does not exist (404)", async ({ expect }) => {
    const api = await withApi(() => created, { survey: error(404, "not_found", "No such survey.") });
    try {
      const result = await api.run(csv("missing", ["9601"]));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('There is no survey "s".');
      expect(api.posts()).toHaveLength(0);
    } finally {
      await api.close();
    }
  });

  it("gives up on an endless 429", async ({ expect }) => {
    const api = await withApi(() => ({ status: 429, headers: { "retry-after": "0" }, body: {} }));
    try {
      // Killed once it has posted the row 51 times, should it never give up.
      const result = await api.run(csv("endless-429", ["9701"]), 50);
      expect(api.posts()).toHaveLength(4);
      expect(result.stdout).toContain("refused     1");
    } finally {
      await api.close();
    }
  });

  it("stops before posting anything to an archived survey", async ({ expect }) => {
    const archived = "This survey is archived and takes no new responses.";
    const api = await withApi(() => error(409, "survey_archived", archived), { survey: { status: 200, body: { ...SURVEY, archived: true } } });
    try {
      const result = await api.run(csv("archived-stop", ["9801", "9802", "9803", "9804", "9805", "9806"]));
      expect(api.posts()).toHaveLength(0);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Survey "s" is archived');
    } finally {
      await api.close();
    }
  });
});
