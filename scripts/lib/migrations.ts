import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Bringing a D1 database up to date with migrations/: `wrangler d1 migrations apply`, after baselining a
 * database that was made before migrations existed. Used by `npm run db:migrate:local|remote` and `npm start`.
 */

export interface MigrateOptions {
  target: "local" | "remote";
  /** Local state directory other than .wrangler/state (wrangler's --persist-to); local only. */
  persistTo?: string;
  /** Hide wrangler's progress output (errors still show). */
  quiet?: boolean;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DATABASE = "DB";
// wrangler's default; wrangler.toml sets no migrations_table.
const MIGRATIONS_TABLE = "d1_migrations";
// wrangler's own DDL for it (getCreateMigrationsTableQuery in wrangler-dist/cli.js), so a later
// `wrangler d1 migrations apply` takes the table as its own.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "${MIGRATIONS_TABLE}"(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`;

/**
 * Migrations whose change a database made without migrations (`wrangler d1 execute --file=schema.sql`,
 * as Tapscore did before, and as some tools still do for scratch databases) can already have, each with
 * an SQL test of whether it does. Baselining records those as applied rather than running them again.
 * A new migration belongs here only if such databases can already contain its change.
 */
const BASELINE: readonly { name: string; present: string }[] = [
  { name: "0001_initial.sql", present: "EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'surveys')" },
  { name: "0002_surveys_retain_days.sql", present: "EXISTS (SELECT 1 FROM pragma_table_info('surveys') WHERE name = 'retain_days')" },
];

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * Runs wrangler with stdin closed: it then never prompts, and takes the default "yes" at every
 * confirmation (its non-interactive mode), even when `npm start` runs in a terminal. Answers stdout when piped.
 */
function wrangler(args: string[], stdout: "inherit" | "ignore" | "pipe"): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("wrangler", args, { cwd: ROOT, stdio: ["ignore", stdout, "inherit"] });
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    // Only the subcommand in the message: the arguments can hold a whole migration.
    child.on("exit", (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`wrangler ${args.slice(0, 4).join(" ")} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

async function query(where: string[], sql: string): Promise<Record<string, unknown>[]> {
  const out = await wrangler(["d1", "execute", DATABASE, ...where, "--json", `--command=${sql}`], "pipe");
  // Only the JSON: a wrangler that warns about something (an update, a login) does so before it.
  const start = out.indexOf("[");
  if (start < 0) throw new Error(`wrangler d1 execute answered no JSON: ${out.slice(0, 200)}`);
  const batches = JSON.parse(out.slice(start)) as { results: Record<string, unknown>[] }[];
  return batches[0]?.results ?? [];
}

/**
 * Records as applied the baseline migrations a database already has, when it has Tapscore's tables but
 * no record of them. 0001 is run again first, in the same batch: every statement in it is CREATE … IF
 * NOT EXISTS, so it only adds tables an older pre-migration install never got. Answers what it recorded.
 */
async function baseline(where: string[]): Promise<string[]> {
  const [state] = await query(
    where,
    `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'surveys') AS installed,
       EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ${quote(MIGRATIONS_TABLE)}) AS tracked`,
  );
  if (state?.installed !== 1) return []; // an empty database: wrangler applies everything
  const applied = new Set(
    state.tracked === 1 ? (await query(where, `SELECT name FROM "${MIGRATIONS_TABLE}"`)).map((row) => String(row.name)) : [],
  );
  const unrecorded = BASELINE.filter((b) => !applied.has(b.name));
  if (unrecorded.length === 0) return []; // the usual case: a database migrations made
  const [present] = await query(where, `SELECT ${unrecorded.map((b, i) => `${b.present} AS present_${i}`).join(", ")}`);
  const missing = unrecorded.filter((_, i) => present?.[`present_${i}`] === 1).map((b) => b.name);
  if (missing.length === 0) return [];
  const initial = missing.includes("0001_initial.sql") ? readFileSync(join(ROOT, "migrations", "0001_initial.sql"), "utf8") : "";
  const record = missing.map((name) => `INSERT INTO "${MIGRATIONS_TABLE}" (name) VALUES (${quote(name)});`).join("\n");
  // --command=…: as a separate argument, SQL that starts with a "--" comment would read as an option.
  await wrangler(["d1", "execute", DATABASE, ...where, `--command=${initial}\n${CREATE_MIGRATIONS_TABLE}\n${record}`], "ignore");
  return missing;
}

/** Baselines a pre-migration database if needed, then applies every migration not yet applied. */
export async function migrate({ target, persistTo, quiet = false }: MigrateOptions): Promise<void> {
  if (persistTo !== undefined && target !== "local") throw new Error("--persist-to works only with --local.");
  const where = [`--${target}`, ...(persistTo === undefined ? [] : ["--persist-to", persistTo])];
  const recorded = await baseline(where);
  if (recorded.length > 0) console.log(`Baselined a database made before migrations: recorded ${recorded.join(", ")} as applied.`);
  await wrangler(["d1", "migrations", "apply", DATABASE, ...where], quiet ? "ignore" : "inherit");
}
