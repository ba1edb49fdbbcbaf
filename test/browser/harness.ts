import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "./find-browser";

export { launchChromium };

/** A real `wrangler dev` on a free port with its own empty local D1, as `npm start` runs it. */
export interface Server {
  base: string;
  adminToken: string;
  linkSecret: string;
  stop(): Promise<void>;
}

const BIN = join(process.cwd(), "node_modules", ".bin");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

const WRANGLER_ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" };

/** Runs the project's wrangler to completion; its standard output, or an error with what it said. */
export function wrangler(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, "wrangler"), args, { env: WRANGLER_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk) => (stdout += chunk));
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`wrangler ${args.join(" ")}: ${stderr}`))));
  });
}

/** Polls /healthz until it answers, the process ends, or the time is up. */
async function answers(base: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return true;
    } catch {
      // still starting
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/**
 * `assets`: serve this built site instead of wrangler.toml's site/dist (a fixture build). A start that
 * fails (a port taken between choosing and binding it by another suite's server) is tried once more on
 * another port; the second failure is thrown with what wrangler said.
 */
export async function startServer({ assets }: { assets?: string } = {}): Promise<Server> {
  const state = mkdtempSync(join(tmpdir(), "tapscore-browser-"));
  const adminToken = "browser-admin-token-0123456789abcdef";
  const linkSecret = "browser-link-secret-0123456789abcdef";
  await wrangler(["d1", "execute", "DB", "--local", "--persist-to", state, "--file=schema.sql"]);
  const vars = [`ADMIN_TOKEN:${adminToken}`, `LINK_SECRET:${linkSecret}`, "SESSION_SECRET:browser-session-secret-0123456789", "ENVIRONMENT:development"];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      join(BIN, "wrangler"),
      ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", state, "--show-interactive-dev-session=false", "--test-scheduled", ...(assets ? ["--assets", assets] : []), ...vars.flatMap((v) => ["--var", v])],
      { env: WRANGLER_ENV, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let said = "";
    const keep = (chunk: Buffer) => (said = (said + chunk.toString()).slice(-4000));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const base = `http://127.0.0.1:${port}`;
    if (await answers(base, child, 90_000)) {
      return {
        base,
        adminToken,
        linkSecret,
        async stop() {
          if (child.pid) process.kill(-child.pid, "SIGTERM");
          await new Promise((r) => setTimeout(r, 300));
          rmSync(state, { recursive: true, force: true });
        },
      };
    }
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    if (attempt === 2) {
      rmSync(state, { recursive: true, force: true });
      throw new Error(`wrangler dev did not start on port ${port}; it said:\n${said}`);
    }
  }
}

/**
 * Starts a server and Chromium side by side. If either fails, the other is stopped before the error
 * is thrown: afterAll never sees a half-assigned pair, and a detached `wrangler dev` would outlive the run.
 */
export async function startWithBrowser<T extends { stop(): Promise<void> }>(start: Promise<T>): Promise<[T, Browser]> {
  const [server, browser] = await Promise.allSettled([start, launchChromium()]);
  if (server.status === "rejected") {
    if (browser.status === "fulfilled") await browser.value.close();
    throw server.reason;
  }
  if (browser.status === "rejected") {
    await server.value.stop();
    throw browser.reason;
  }
  return [server.value, browser.value];
}

/** Calls the API of the running server with the admin token. */
export async function adminApi<T>(server: Server, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Collects what the page's Content-Security-Policy refuses, as Chromium reports it on the console. */
export function cspRefusals(page: Page): string[] {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}
