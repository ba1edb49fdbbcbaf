import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withLock } from "./lock";
import { chromium, type Browser } from "playwright-core";

/**
 * Flags for every browser. Headless and no sandbox because the suites run as root in containers; the
 * rest because this machine's closed network refuses Chromium's background connections.
 */
export const BASE_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"];

/** @sparticuz/chromium's Lambda flags that must not reach these suites, by switch name. */
const DROPPED_SPARTICUZ_SWITCHES = new Set([
  // Playwright passes --headless itself; the binary is headless_shell, and "'shell'" is Puppeteer's value.
  "--headless",
  // Lambda workarounds: with --single-process a second browser context hangs at newPage (measured here).
  "--single-process",
  "--no-zygote",
  "--in-process-gpu",
  // They switch off the web security (same-origin, mixed content, site isolation) the pages are tested under.
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--disable-site-isolation-trials",
  // Chromium keeps only the last --disable-features/--enable-features: these would replace Playwright's
  // lists, which stop the start-up calls to Google.
  "--disable-features",
  "--enable-features",
  // WebGL through SwiftShader; BASE_ARGS has --disable-gpu and no page draws WebGL.
  "--use-gl",
  "--use-angle",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist",
]);

const switchName = (arg: string): string => arg.split("=", 1)[0] ?? arg;

/** BASE_ARGS, then the flags of `extra` that are neither dropped nor already set. */
export function mergeArgs(extra: readonly string[]): string[] {
  const seen = new Set(BASE_ARGS.map(switchName));
  const merged = [...BASE_ARGS];
  for (const arg of extra) {
    const name = switchName(arg);
    if (DROPPED_SPARTICUZ_SWITCHES.has(name) || seen.has(name)) continue;
    seen.add(name);
    merged.push(arg);
  }
  return merged;
}

interface Candidate {
  label: string;
  /** The executable, or why there is none. */
  find(): Promise<{ path: string; args: string[] } | { missing: string }>;
}

const SYSTEM_BROWSERS = ["/usr/bin/chromium", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable", "/opt/google/chrome/chrome", "/usr/bin/chromium-browser"];

function candidates(): Candidate[] {
  const fromEnv: Candidate = {
    label: "CHROMIUM_PATH",
    async find() {
      const path = process.env.CHROMIUM_PATH;
      if (!path) return { missing: "unset" };
      return existsSync(path) ? { path, args: BASE_ARGS } : { missing: `${path} does not exist` };
    },
  };
  const system = SYSTEM_BROWSERS.map(
    (path): Candidate => ({
      label: path,
      find: async () => (existsSync(path) ? { path, args: BASE_ARGS } : { missing: "absent" }),
    }),
  );
  const sparticuz: Candidate = {
    label: "@sparticuz/chromium",
    async find() {
      let module: typeof import("@sparticuz/chromium");
      try {
        module = await import("@sparticuz/chromium");
      } catch {
        return { missing: "not installed" };
      }
      const Sparticuz = module.default;
      // Unpacking takes seconds: a second run would otherwise launch a half-written file.
      return {
        path: await withLock(join(tmpdir(), "tapscore-sparticuz-chromium.lock"), () => unpacked(Sparticuz), { staleMs: 60_000, waitMs: 120_000 }),
        args: mergeArgs(Sparticuz.args),
      };
    },
  };
  return [fromEnv, ...system, sparticuz];
}

/**
 * sparticuz unpacks to /tmp/chromium on first use and afterwards trusts any file there, so a run
 * interrupted while unpacking would leave a broken binary for good: check it runs, else unpack again.
 */
async function unpacked(Sparticuz: typeof import("@sparticuz/chromium").default): Promise<string> {
  const path = await Sparticuz.executablePath();
  if (await runs(path)) return path;
  rmSync(path, { force: true });
  const again = await Sparticuz.executablePath();
  if (!(await runs(again))) throw new Error(`${again}, freshly unpacked, does not run`);
  return again;
}

function runs(path: string): Promise<boolean> {
  return new Promise((resolve) => execFile(path, ["--version"], { timeout: 15_000 }, (error, stdout) => resolve(!error && stdout.includes("Chromium"))));
}


const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n", 1)[0]!.slice(0, 200);

let chosen: { path: string; args: string[] } | undefined;

/**
 * Launches the first Chromium that starts: CHROMIUM_PATH, Debian's chromium, an installed Chrome,
 * then @sparticuz/chromium's. Throws one line naming everything tried when none does.
 */
export async function launchChromium(): Promise<Browser> {
  if (chosen) return chromium.launch({ executablePath: chosen.path, args: chosen.args, timeout: 30_000 });
  const tried: string[] = [];
  for (const candidate of candidates()) {
    try {
      const found = await candidate.find();
      if ("missing" in found) {
        tried.push(`${candidate.label} (${found.missing})`);
        continue;
      }
      const browser = await chromium.launch({ executablePath: found.path, args: found.args, timeout: 30_000 });
      chosen = found;
      const passedOver = tried.filter((t) => !t.endsWith("(absent)") && !t.endsWith("(unset)"));
      console.info(`Browser suites use ${candidate.label}: Chromium ${browser.version()} at ${found.path}${passedOver.length ? `; passed over ${passedOver.join(", ")}` : ""}`);
      return browser;
    } catch (error) {
      tried.push(`${candidate.label} (failed: ${firstLine(error)})`);
    }
  }
  throw new Error(
    `No Chromium launched; tried ${tried.join(", ")}. Set CHROMIUM_PATH to a Chromium or Chrome binary, install Debian's chromium (apt-get install chromium), or run npm install to get @sparticuz/chromium.`,
  );
}
