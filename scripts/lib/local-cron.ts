/**
 * Local stand-in for the cron trigger: `wrangler dev` never fires crons by itself, so without this
 * webhook retries, lone taps' webhooks, drop alerts and rollups would wait for someone to call the
 * scheduled endpoint. Ticks run one after another, never overlapping; a failed tick is reported and
 * the next one comes on time.
 */
import { readFileSync } from "node:fs";

/** miniflare's trigger (wrangler also rewrites the older /cdn-cgi/handler/scheduled to it). */
export const SCHEDULED_PATH = "/cdn-cgi/local/scheduled";

/** The first cron of wrangler.toml's [triggers], passed along so the handler sees production's `controller.cron`. */
export function productionCron(configPath = "wrangler.toml"): string | undefined {
  try {
    return /^\s*crons\s*=\s*\[\s*"([^"]+)"/m.exec(readFileSync(configPath, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** A short reason for a failed request: "ECONNREFUSED" rather than a stack. */
export function shortReason(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause;
    if (cause && typeof cause === "object" && "code" in cause && typeof cause.code === "string") return cause.code;
    return error.message.split("\n")[0] ?? error.name;
  }
  return String(error);
}

/** Runs the Worker's scheduled handler once, as the cron would at `time`; throws when it did not succeed. */
export async function runScheduled(base: string, options: { cron?: string; time?: number; signal?: AbortSignal } = {}): Promise<void> {
  const url = new URL(SCHEDULED_PATH, base);
  url.searchParams.set("format", "json");
  if (options.cron) url.searchParams.set("cron", options.cron);
  url.searchParams.set("time", String(options.time ?? Date.now()));
  // No timeout on purpose: abandoning a slow tick would let the next one overlap it inside the Worker.
  const response = await fetch(url, { signal: options.signal });
  const body = await response.text();
  if (!response.ok) {
    let outcome = body.slice(0, 80);
    try {
      outcome = String((JSON.parse(body) as { outcome?: unknown }).outcome ?? outcome);
    } catch {
      // not JSON: keep the text
    }
    throw new Error(`scheduled handler answered ${response.status} (${outcome})`);
  }
}

export interface CronLoopOptions {
  base: string;
  cron?: string;
  intervalMs: number;
  signal: AbortSignal;
  /** Runs after each tick, failed or not (the start script checks whether the reports changed). */
  afterTick(): Promise<void>;
  log(line: string): void;
}

export interface CronLoop {
  /** Settles after the first tick and its `afterTick`. */
  firstTick: Promise<void>;
  /** Settles when the loop has stopped (after the signal aborts). */
  done: Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Ticks now, then every `intervalMs` from the start of the previous tick (at once if a tick took longer). */
export function startCronLoop(options: CronLoopOptions): CronLoop {
  const { signal } = options;
  let firstDone: () => void = () => {};
  const firstTick = new Promise<void>((resolve) => (firstDone = resolve));
  const step = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      if (!signal.aborted) options.log(`${what} failed: ${shortReason(error)} (next tick in ${Math.round(options.intervalMs / 1000)} s).`);
    }
  };
  const done = (async () => {
    while (!signal.aborted) {
      const started = Date.now();
      await step("Cron tick", () => runScheduled(options.base, { cron: options.cron, time: started, signal }));
      if (!signal.aborted) await step("Checking the reports after the tick", options.afterTick);
      firstDone();
      await sleep(Math.max(0, started + options.intervalMs - Date.now()), signal);
    }
    firstDone();
  })();
  return { firstTick, done };
}
