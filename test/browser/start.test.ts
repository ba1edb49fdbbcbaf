/**
 * `npm start` as a newcomer runs it: the real start script in a scratch copy of the project (its own
 * .wrangler state, .dev.vars and site/dist, so neither the developer's data nor other suites are
 * touched), on its own port. Nobody calls the scheduled endpoint here: the start script's own cron
 * loop must deliver a failed webhook again and rebuild the report pages, then Ctrl+C must stop it all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./harness";

const PROJECT = process.cwd();
const BIN = join(PROJECT, "node_modules", ".bin");
// What a fresh clone has, without what running it leaves behind.
const LEFT_OUT = new Set([".git", "node_modules", ".wrangler", ".dev.vars", ".env", ".astro", "bench/tmp", "site/dist", "site/node_modules", "site/.astro"]);
const BANNER_END = "Press Ctrl+C to stop.";

let scratch: string;
let base: string;
let start: ChildProcess;
let output = "";
let exited: Promise<number | null>;
let receiver: HttpServer;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; at: number }[] = [];

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; start printed:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Live processes (zombies aside) working in the scratch copy: the start script, wrangler, workerd, astro. */
function processesIn(dir: string): string[] {
  if (!existsSync("/proc/self/cwd")) return [];
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").slice(0, 120)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

beforeAll(async () => {
  receiver = createHttpServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received.push({ headers: request.headers, at: Date.now() });
      response.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

  scratch = mkdtempSync(join(tmpdir(), "tapscore-start-test-"));
  cpSync(PROJECT, scratch, { recursive: true, filter: (source) => !LEFT_OUT.has(relative(PROJECT, source)) });
  symlinkSync(join(PROJECT, "node_modules"), join(scratch, "node_modules"));

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  start = spawn(process.execPath, ["scripts/start.ts", "--no-demo"], {
    cwd: scratch,
    env: { ...process.env, PORT: String(port), PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  start.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  start.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  exited = new Promise((resolve) => start.on("exit", (code) => resolve(code)));
  await until(() => output.includes(BANNER_END) || start.exitCode !== null, 120_000, "the start banner");
  expect(start.exitCode, output).toBeNull();
}, 130_000);

afterAll(async () => {
  if (start && start.exitCode === null) start.kill("SIGKILL");
  // Whatever a failed run left behind in the scratch copy must not outlive the suite.
  for (const line of scratch ? processesIn(scratch) : []) {
    try {
      process.kill(Number(line.split(" ")[0]), "SIGKILL");
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => receiver?.close(resolve));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("npm start", () => {
  it("prints its banner last", async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    const banner = output.slice(output.lastIndexOf("Tapscore is running"));
    expect(banner).toContain(`${base}/api/v1/openapi.json`);
    expect(banner).toContain(`${base}/internal/sign-in`);
    expect(banner).toContain("ADMIN_TOKEN in .dev.vars");
    expect(banner).toContain("every minute");
    const adminToken = /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(join(scratch, ".dev.vars"), "utf8"))?.[1] ?? "";
    expect(adminToken).not.toBe("");
    expect(output).not.toContain(adminToken);
    // Nothing of wrangler's start-up comes after it.
    expect(output.slice(output.lastIndexOf(BANNER_END) + BANNER_END.length).replace(/[─\s]|\x1b\[[0-9;]*m/g, "")).toBe("");
  });

  it("retries a failed webhook and rebuilds the report pages on its own cron ticks", async () => {
    const adminToken = /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(join(scratch, ".dev.vars"), "utf8"))?.[1] ?? "";
    const api = async <T>(method: string, path: string, body: unknown): Promise<T> => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    await api("POST", "/api/v1/surveys", { id: "started", name: "Started by npm start", metric: "csat", public: true, min_public_n: 1 });
    await api("POST", "/api/v1/webhooks", { url: receiverUrl, events: ["response.created"], survey: "started" });
    const { invitations } = await api<{ invitations: { url: string; links: Record<string, string> }[] }>(
      "POST",
      "/api/v1/surveys/started/invitations",
      { recipients: [{ recipient: "start-person" }] },
    );
    const person = {
      "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
      "sec-fetch-mode": "navigate",
      "sec-fetch-dest": "document",
    };
    const page = await (await fetch(invitations[0]!.links["5"]!, { headers: person })).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const confirmed = await fetch(invitations[0]!.url, {
      method: "POST",
      headers: { ...person, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "choose", score: "5", nonce }).toString(),
    });
    expect(confirmed.status).toBe(200);

    // A confirmed answer is sent at once (and gets a 500); the retry is due 30 s later and goes out on
    // the first tick after that: within 90 s, ticks being a minute apart.
    await until(() => received.length >= 1, 10_000, "the first delivery");
    await until(() => received.length >= 2, 100_000, "the retry");
    expect(received[1]!.headers["webhook-id"]).toBe(received[0]!.headers["webhook-id"]);
    expect(received[1]!.at - received[0]!.at).toBeLessThan(95_000);

    // The same ticks noticed the new survey and answer: the public page exists now, served by the
    // wrangler dev that was running all along.
    await until(async () => (await fetch(`${base}/s/started/`)).status === 200, 30_000, "the rebuilt survey page");
    expect(await (await fetch(`${base}/s/started/`)).text()).toContain("Started by npm start");
    expect(output).not.toMatch(/Cron tick failed|Checking the reports after the tick failed|Building the report site:/);
  }, 150_000);

  it("stops everything on Ctrl+C and exits 0", async () => {
    const stoppedAt = Date.now();
    start.kill("SIGINT");
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 20_000))]);
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(processesIn(scratch)).toEqual([]);
  }, 30_000);
});
