/**
 * `npm start`: everything a newcomer needs, safe to re-run. Brings the local D1 up to date (never
 * dropping data), writes .dev.vars with fresh secrets if missing, then serves the Worker on
 * http://127.0.0.1:$PORT as production runs it: the cron handler ticks every minute, and the report
 * site is rebuilt from the Worker's export whenever what the pages show has changed.
 */
import { mkdirSync } from "node:fs";
import { styleText } from "node:util";
import { DEV_VARS, ensureDevVars, readDevVars } from "./lib/dev-vars.ts";
import { productionCron, SCHEDULED_PATH, startCronLoop } from "./lib/local-cron.ts";
import { migrate } from "./lib/migrations.ts";
import { spawnGroup, stopGroup } from "./lib/process-group.ts";
import { createSiteBuilder, exportFingerprint, fetchReportExport, SITE_DIST } from "./lib/report-site.ts";
import { run, waitForOk } from "./lib/run.ts";
import { createWranglerFilter, pipeFiltered, settled } from "./lib/wrangler-output.ts";

/** The production cron's own interval (wrangler.toml: every minute), kept locally, so a retry or a rebuild is never far off. */
const TICK_INTERVAL_MS = 60_000;
const ADMIN_TOKEN = "ADMIN_TOKEN";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}".`);
  process.exit(1);
}
const base = `http://127.0.0.1:${port}`;

const wroteVars = ensureDevVars();
console.log(wroteVars ? `Wrote fresh local secrets to ${DEV_VARS}.` : `Using the secrets in ${DEV_VARS}.`);

console.log("Applying migrations to the local D1 …");
await migrate({ target: "local", quiet: true });

// The Worker's modules need Node's TypeScript transform (not only type stripping), so these run as
// `npm run demo` / `npm run rollup` do. The demo loads only into a database without surveys.
const workerCode = [process.execPath, "--experimental-transform-types", "--no-warnings=ExperimentalWarning"] as const;
if (!process.argv.includes("--no-demo")) {
  console.log("Loading the demo data if the database is empty (skip with `npm start -- --no-demo`) …");
  await run(workerCode[0], [...workerCode.slice(1), "scripts/demo.ts"]);
}
console.log("Rolling up …");
await run(workerCode[0], [...workerCode.slice(1), "scripts/rollup.ts"]);

// wrangler dev serves site/dist; the first build lands there right after the first tick.
mkdirSync(SITE_DIST, { recursive: true });

// Its own process group: Ctrl+C reaches the start script only, which then stops the tick loop, a
// running build and wrangler with all its workerd processes, and exits 0.
const wranglerOutput = createWranglerFilter();
// --test-scheduled also silences wrangler's "scheduled Workers are not triggered locally" warning,
// which the tick loop below makes untrue.
const worker = spawnGroup(
  "wrangler",
  ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--test-scheduled", "--show-interactive-dev-session=false", "--var", "ENVIRONMENT:development"],
  // Piped output loses wrangler's colours unless asked for them.
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) } },
);
if (worker.stdout) pipeFiltered(worker.stdout, process.stdout, wranglerOutput);
if (worker.stderr) pipeFiltered(worker.stderr, process.stderr, wranglerOutput);

const stopping = new AbortController();
let started = false;
const site = createSiteBuilder({
  onBuilt({ ms, changes }) {
    wranglerOutput.quietReloads(15_000); // the assets reload that follows is expected
    if (started && changes > 0) console.log(`Reports changed: rebuilt the site in ${(ms / 1000).toFixed(1)} s (${changes} files).`);
  },
  onFailed(message, output) {
    const tail = output.trim().split("\n").slice(-20).join("\n");
    console.error(`${tail ? `${tail}\n` : ""}Building the report site: ${message}; it is built again when the data changes.`);
  },
});

// Once: Ctrl+C in a terminal signals npm and this script alike, and npm forwards its copy.
let stopped: Promise<never> | undefined;
function shutdown(code: number): Promise<never> {
  stopped ??= (async () => {
    stopping.abort();
    await Promise.all([site.stop(), stopGroup(worker)]);
    process.exit(code);
  })();
  return stopped;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0));
worker.on("exit", (code, signal) => {
  if (stopping.signal.aborted) return;
  console.error(`wrangler dev stopped (${signal ?? `exit ${code}`}).`);
  void shutdown(code || 1);
});

if (!(await waitForOk(`${base}/healthz`, 120_000))) {
  console.error(`The Worker did not answer ${base}/healthz within two minutes.`);
  await shutdown(1);
}

// After each tick: rebuild the site when what the pages show has changed (see lib/report-site.ts).
const adminToken = readDevVars()[ADMIN_TOKEN] ?? "";
let builtFrom: string | null = null;
async function refreshReports(): Promise<void> {
  if (adminToken === "") throw new Error(`no ${ADMIN_TOKEN} in ${DEV_VARS}`);
  const text = await fetchReportExport(base, adminToken, stopping.signal);
  const fingerprint = exportFingerprint(text);
  if (fingerprint === builtFrom) return;
  builtFrom = fingerprint;
  site.request(text);
}

console.log("Running the first cron tick and building the report site …");
const cronExpression = productionCron();
const cron = startCronLoop({
  base,
  cron: cronExpression,
  intervalMs: TICK_INTERVAL_MS,
  signal: stopping.signal,
  afterTick: refreshReports,
  log: (line) => console.error(line),
});
await cron.firstTick;
await site.idle();
// Last, once wrangler's start-up (and the reload the first build causes) has stopped printing.
await settled(wranglerOutput, 1_500, 15_000);
if (!stopping.signal.aborted) {
  const bold = (text: string) => styleText("bold", text);
  const rule = styleText("green", "─".repeat(76));
  console.log(`
${rule}
  ${styleText(["bold", "green"], "Tapscore is running")} on ${bold(base)}

    Public reports    ${base}/
    Internal reports  ${base}/internal/sign-in
    Sent emails       ${base}/internal/sends (every survey email as sent; wrangler dev also logs each)
    API base          ${base}/api/v1
    OpenAPI           ${base}/api/v1/openapi.json
    Health            ${base}/healthz
    Admin token       ${ADMIN_TOKEN} in ${DEV_VARS}, sent as "Authorization: Bearer <token>"
    Cron              ticks every minute (production: "${cronExpression ?? "see wrangler.toml"}"): rollups,
                      webhook retries, alerts, retention, survey emails; report pages rebuilt when data changed
    Tick now          curl ${base}${SCHEDULED_PATH}

  ${bold("Press Ctrl+C to stop.")}
${rule}
`);
  started = true;
  wranglerOutput.markStarted();
}
