/**
 * `npm start` shows wrangler's output through this filter: the start-up boilerplate (version header,
 * the bindings table it prints on every reload, the offline `Request.cf` warning), the reloads our
 * own site rebuilds cause and the requests the start script itself makes are dropped; everything
 * else, errors and the Worker's console output included, passes unchanged. Dropping by a short list of
 * known lines rather than by log level keeps the Worker's `console.log` (wrangler logs it at "log").
 */
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

const ALWAYS_DROPPED = [
  /^\s*⛅️?\s*wrangler \d/, // "⛅️ wrangler 4.x (update available …)"
  /^─{3,}\s*$/,
  /^Using (secrets|vars) defined in /,
  /^Your Worker has access to the following bindings:/,
  /^Binding\s+Resource\s+Mode\s*$/,
  /^env\.[A-Za-z_$][\w$]*\b/, // a row of the bindings table
  /^⎔ (Starting local server|Connection status updated)/,
  /^\[wrangler:info\] Ready on /, // the banner says where
  /^\[wrangler:info\] ✨ Parsed \d+ valid (header|redirect) rules?\./, // site/public/_headers, read on every assets load
  /^\[wrangler:info\] GET \/api\/v1\/reports\/export 200 /, // the start script's check after each tick
];
const STARTUP_DROPPED = [/^\[wrangler:info\] GET \/healthz 200 /];
const RELOAD = /^⎔ (Reloading local server|Local server updated and ready)/;
const CF_WARNING = /^\[wrangler:warn\] Unable to fetch the `Request\.cf` object/;
const CF_WARNING_DETAIL = /^(\w*Error\b|\s+at\s)/;

export interface WranglerFilter {
  /** Whether to show this line of wrangler's output. */
  keep(line: string): boolean;
  /** After the banner: the start script's own health checks are over, so show /healthz requests. */
  markStarted(): void;
  /** Hides wrangler's reload lines for a while: a site rebuild reloads the assets, which is not news. */
  quietReloads(ms: number): void;
  /** When wrangler last wrote a line, shown or not. */
  lastLineAt(): number;
}

export function createWranglerFilter(now: () => number = Date.now): WranglerFilter {
  let started = false;
  let quietUntil = 0;
  let lastLine = now();
  let inCfWarning = false;
  let previousDropped = true; // also drops the blank lines wrangler starts with
  const dropped = (line: string): boolean => {
    if (inCfWarning && CF_WARNING_DETAIL.test(line)) return true;
    inCfWarning = CF_WARNING.test(line);
    if (inCfWarning) return true;
    if (line.trim() === "") return previousDropped;
    if (ALWAYS_DROPPED.some((pattern) => pattern.test(line))) return true;
    if (!started && STARTUP_DROPPED.some((pattern) => pattern.test(line))) return true;
    return RELOAD.test(line) && (!started || now() < quietUntil);
  };
  return {
    keep(line) {
      lastLine = now();
      previousDropped = dropped(line.replace(ANSI, ""));
      return !previousDropped;
    },
    markStarted() {
      started = true;
    },
    quietReloads(ms) {
      quietUntil = now() + ms;
    },
    lastLineAt: () => lastLine,
  };
}

/** Copies a child's output to ours line by line, through the filter. */
export function pipeFiltered(from: Readable, to: Writable, filter: WranglerFilter): void {
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    if (filter.keep(line)) to.write(`${line}\n`);
  });
}

/** Resolves once wrangler has been silent for `quietMs`, or after `maxMs` whatever it does. */
export async function settled(filter: WranglerFilter, quietMs: number, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() - filter.lastLineAt() < quietMs && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
