/**
 * `npm start`: everything a newcomer needs, safe to re-run. Applies schema.sql to the local D1
 * (never dropping data), writes .dev.vars with fresh secrets if missing, builds the report site,
 * then serves the Worker on http://127.0.0.1:$PORT with scheduled triggers testable.
 */
import { spawn } from "node:child_process";
import { DEV_VARS, ensureDevVars } from "./lib/dev-vars.ts";
import { run, waitForOk } from "./lib/run.ts";

const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`PORT must be a TCP port number, not "${process.env.PORT}".`);
  process.exit(1);
}
const base = `http://127.0.0.1:${port}`;

const wroteVars = ensureDevVars();
console.log(wroteVars ? `Wrote fresh local secrets to ${DEV_VARS}.` : `Using the secrets in ${DEV_VARS}.`);

console.log("Applying schema.sql to the local D1 …");
await run("wrangler", ["d1", "execute", "DB", "--local", "--file=schema.sql"], { stdio: ["ignore", "ignore", "inherit"] });

// The Worker's modules need Node's TypeScript transform (not only type stripping), so these run as
// `npm run demo` / `npm run rollup` do. The demo loads only into a database without surveys.
const workerCode = [process.execPath, "--experimental-transform-types", "--no-warnings=ExperimentalWarning"] as const;
if (!process.argv.includes("--no-demo")) {
  console.log("Loading the demo data if the database is empty (skip with `npm start -- --no-demo`) …");
  await run(workerCode[0], [...workerCode.slice(1), "scripts/demo.ts"]);
}
console.log("Rolling up …");
await run(workerCode[0], [...workerCode.slice(1), "scripts/rollup.ts"]);

console.log("Building the report site …");
await run("astro", ["build", "--root", "site", "--silent"]);

const worker = spawn(
  "wrangler",
  ["dev", "--local", "--ip", "127.0.0.1", "--port", String(port), "--test-scheduled", "--show-interactive-dev-session=false"],
  { stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => worker.kill(signal));
worker.on("exit", (code) => process.exit(code ?? 0));

if (await waitForOk(`${base}/healthz`, 120_000)) {
  console.log(`
  Tapscore is running.
    Reports       ${base}/
    API base      ${base}/api/v1
    Health        ${base}/healthz
    OpenAPI       ${base}/api/v1/openapi.json
    Cron trigger  ${base}/cdn-cgi/handler/scheduled
    Admin token   ADMIN_TOKEN in ${DEV_VARS} (use it as Authorization: Bearer <token>)
  Press Ctrl+C to stop.
`);
} else {
  console.error(`The Worker did not answer ${base}/healthz within two minutes.`);
  worker.kill("SIGTERM");
  process.exit(1);
}
