import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `wrangler dev` on a free 127.0.0.1 port, started as test/browser/harness.ts does, with its own D1. */
export interface DevServer {
  base: string;
  stop(): Promise<void>;
}

const BIN = join(process.cwd(), "node_modules", ".bin");
const ENV = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" };
const running = new Set<ChildProcess>();

// Never leave a server behind, whatever ends the bench.
const killAll = () => {
  for (const child of running) if (child.pid) try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
};
process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => { killAll(); process.exit(130); });

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export function wrangler(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(BIN, "wrangler"), args, { env: ENV, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")}: ${stderr}`))));
  });
}

/** A temporary directory with schema.sql applied to its local D1, as `--persist-to` expects. */
export async function freshState(prefix: string): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await wrangler(["d1", "execute", "DB", "--local", "--persist-to", dir, "--file=schema.sql"]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startDev(options: { config: string; persistTo?: string; vars?: Record<string, string> }): Promise<DevServer> {
  const port = await freePort();
  const args = ["dev", "--config", options.config, "--local", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"];
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("--var", `${name}:${value}`);
  const child = spawn(join(BIN, "wrangler"), args, { env: ENV, stdio: "ignore", detached: true });
  running.add(child);
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid && running.delete(child)) process.kill(-child.pid, "SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      await (await fetch(`${base}/`)).arrayBuffer();
      break;
    } catch {
      // still starting
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev --config ${options.config} did not start`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { base, stop };
}
