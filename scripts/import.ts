/**
 * `npm run import -- --survey ID FILE.csv [options]`: brings history in from another tool's CSV export.
 * Every row becomes one POST /api/v1/surveys/{id}/responses with Idempotency-Key
 * "import:<source>:<row id>", so it is validated exactly like any ingested score, and re-running an
 * import adds nothing. By default it runs the Worker's own ingestion code in this process against the
 * local D1 (.wrangler/state, as `npm start` uses); with --url and --token it posts to the API of a
 * deployed Tapscore (paced by its rate limit).
 *
 *   --map score=Rating,comment=Comment,recipient=Customer,responded_at=Date,property.plan=Plan
 *   --preset delighted|generic   column names to look for (default: detected from the header)
 *   --source NAME                names the source in idempotency keys (default: the preset)
 *   --dry-run                    reads and checks every row, writes nothing
 *   --announce                   tells webhooks of every imported answer (response.created, response.low_score);
 *                                by default an import is quiet: history is stored and counted, never announced
 *   --url URL --token KEY        a running Tapscore and an API key with responses:write and surveys:read
 *                                (or TAPSCORE_TOKEN); default: the local D1
 *   --persist-to DIR             the local state directory (default: wrangler's .wrangler/state)
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parse } from "csv-parse/sync";
import {
  PRESETS,
  detectPreset,
  isPresetName,
  parseMap,
  planImport,
  resolveColumns,
  type IngestBody,
} from "./lib/import-mapping.ts";
import { migrate } from "./lib/migrations.ts";
import { persistToArgument, withLocalDb, workerModule } from "./lib/worker-modules.ts";

const USAGE = [
  "Usage: npm run import -- --survey ID FILE.csv [--map field=Column,…] [--preset delighted|generic] [--source NAME] [--dry-run] [--announce] [--url URL --token KEY]",
  "  --announce  tell webhooks of every imported answer; without it the import is quiet (history is stored and counted, never announced)",
].join("\n");
const CONCURRENCY = 4;
const BUILT_IN_PROPERTIES = ["touchpoint", "country", "channel", "variant"];

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const { values: options, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        survey: { type: "string" },
        map: { type: "string", default: "" },
        preset: { type: "string" },
        source: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        announce: { type: "boolean", default: false },
        url: { type: "string" },
        token: { type: "string" },
        "persist-to": { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
})();
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
const file = positionals[0];
if (!options.survey || !file || positionals.length > 1) fail(USAGE);
if (options.preset !== undefined && !isPresetName(options.preset)) fail(`--preset: one of ${Object.keys(PRESETS).join(", ")}.`);
if (options.url && !(options.token ?? process.env.TAPSCORE_TOKEN)) fail("--url needs --token (or TAPSCORE_TOKEN): an API key with responses:write and surveys:read.");

// ── Read the file ────────────────────────────────────────────────────────────────────────────────
let records: string[][];
try {
  records = parse(readFileSync(file, "utf8"), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
} catch (error) {
  fail(`${file}: ${error instanceof Error ? error.message : String(error)}`);
}
const [first, ...rows] = records;
const header: string[] = first ?? fail(`${file}: the file is empty.`);
const presetName = options.preset !== undefined && isPresetName(options.preset) ? options.preset : detectPreset(header);
const source = options.source ?? presetName;
if (!/^[A-Za-z0-9._-]{1,40}$/.test(source)) fail("--source: 1 to 40 letters, digits, dots, dashes or underscores.");

// ── Reach Tapscore ───────────────────────────────────────────────────────────────────────────────
interface SurveyFacts {
  id: string;
  scale: { min: number; max: number };
  segments: string[];
  archived: boolean;
}
/** Where rows go: the API of a running Tapscore, or the Worker's ingestion code on the local D1. */
interface Target {
  survey(id: string): Promise<SurveyFacts | null>;
  /** 201 new, 200 imported before, 4xx refused with the API's code and message; 0 when Tapscore never answered. */
  ingest(surveyId: string, key: string, body: IngestBody): Promise<{ status: number; code?: string; message?: string }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Tries at most this often: a rate limit, a server error or a dropped connection is retried, then given up. */
const MAX_ATTEMPTS = 4;

/** Retry-After in seconds or as an HTTP date; 10 s when absent or unreadable, never more than a minute. */
function retryAfterMs(header: string | null, now = Date.now()): number {
  const seconds = header !== null && /^\d+$/.test(header.trim()) ? Number(header) * 1000 : header ? Date.parse(header) - now : Number.NaN;
  return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 60_000) : 10_000;
}

function apiTarget(url: string, token: string): Target {
  const base = url.replace(/\/+$/, "");
  /** The answer, or null when Tapscore could not be reached after every attempt. */
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response | null> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= MAX_ATTEMPTS;
      try {
        const response = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // Rate limited: wait as told. A server error or a dropped connection: retry, the key makes it safe.
        if (response.status === 429 && !last) {
          await response.body?.cancel();
          await sleep(retryAfterMs(response.headers.get("retry-after")));
          continue;
        }
        if (response.status >= 500 && !last) {
          await response.body?.cancel();
          await sleep(500 * 2 ** attempt);
          continue;
        }
        return response;
      } catch (error) {
        if (last) return null;
        await sleep(500 * 2 ** attempt);
      }
    }
  }
  return {
    async survey(id) {
      const response = (await call("GET", `/api/v1/surveys/${encodeURIComponent(id)}`)) ?? fail(`Tapscore at ${base} did not answer.`);
      if (response.status === 404) return null;
      if (!response.ok) fail(`Survey "${id}": ${response.status} ${await response.text()}`);
      return (await response.json()) as SurveyFacts;
    },
    async ingest(surveyId, key, body) {
      const response = await call("POST", `/api/v1/surveys/${encodeURIComponent(surveyId)}/responses`, body, { "idempotency-key": key });
      if (!response) return { status: 0, message: `Tapscore did not answer after ${MAX_ATTEMPTS} tries` };
      const answer = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      return { status: response.status, code: answer?.error?.code, message: answer?.error?.message };
    },
  };
}

type ApiErrorLike = { status: number; message: string };
const isApiError = (error: unknown): error is ApiErrorLike =>
  error instanceof Error && typeof (error as Partial<ApiErrorLike>).status === "number" && (error as Partial<ApiErrorLike>).status! < 500;

/** The same validation and the same db.batch as POST …/responses, in this process, on the local D1. */
async function localTarget(db: unknown): Promise<Target> {
  type Survey = SurveyFacts & { archived: boolean; touchpoint: string | null };
  const storage = await workerModule<{ getSurvey(db: unknown, id: string): Promise<Survey | null> }>("functions/storage/surveys.ts");
  const input = await workerModule<{ parseIngestInput(survey: Survey, body: unknown, now: number): unknown }>("functions/ingest/input.ts");
  const record = await workerModule<{
    ingestResponse(db: unknown, survey: Survey, input: unknown, key: string, options: { now: number; defaultedTime: boolean }): Promise<{ replayed: boolean }>;
  }>("functions/ingest/record.ts");
  const surveys = new Map<string, Survey>();
  return {
    async survey(id) {
      const survey = await storage.getSurvey(db, id);
      if (survey) surveys.set(id, survey);
      return survey;
    },
    async ingest(surveyId, key, body) {
      const survey = surveys.get(surveyId)!;
      if (survey.archived) return { status: 409, code: "survey_archived", message: "This survey is archived and takes no new responses." };
      try {
        const now = Date.now();
        const parsed = input.parseIngestInput(survey, body, now);
        const result = await record.ingestResponse(db, survey, parsed, key, { now, defaultedTime: body.responded_at === undefined });
        return { status: result.replayed ? 200 : 201 };
      } catch (error) {
        if (isApiError(error)) return { status: error.status, message: error.message };
        throw error;
      }
    },
  };
}

async function importInto(target: Target): Promise<void> {
  const survey = (await target.survey(options.survey!)) ?? fail(`There is no survey "${options.survey}".`);
  if (survey.archived) fail(`Survey "${survey.id}" is archived and takes no new responses; unarchive it first (PATCH it with {"archived": false}).`);
  const shape = { scale: survey.scale, propertyKeys: [...BUILT_IN_PROPERTIES, ...survey.segments] };

  let columns: ReturnType<typeof resolveColumns>;
  try {
    columns = resolveColumns(header, PRESETS[presetName], parseMap(options.map), shape);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const named = Object.entries(columns.fields).map(([field, at]) => `${field}=${header[at]}`);
  const props = Object.entries(columns.properties).map(([key, at]) => `property.${key}=${header[at]}`);
  console.error(`Preset ${presetName}; columns: ${[...named, ...props].join(", ")}${columns.ignored.length ? `; ignored: ${columns.ignored.join(", ")}` : ""}`);

  // ── Check every row ──────────────────────────────────────────────────────────────────────────────
  // Without an id column, the row's own content identifies it, so a re-run still adds nothing.
  const contentId = (cells: readonly string[]) => `sha256-${createHash("sha256").update(JSON.stringify(cells)).digest("hex").slice(0, 32)}`;
  const { rows: checked, refused } = planImport(rows, columns, shape, contentId, { announce: options.announce });
  const refuse = (line: number, reason: string) => refused.set(reason, [...(refused.get(reason) ?? []), line]);
  const planned = checked.map((row) => ({ ...row, key: `import:${source}:${row.id}`.slice(0, 200) }));

  // ── Send ─────────────────────────────────────────────────────────────────────────────────────────
  let created = 0;
  let already = 0;
  if (!options["dry-run"]) {
    const progress = progressBar(planned.length);
    let next = 0;
    const worker = async () => {
      while (next < planned.length) {
        const row = planned[next++]!;
        const answer = await target.ingest(survey.id, row.key, row.body);
        if (answer.status === 201) created++;
        else if (answer.status === 200) already++;
        else if (answer.status === 409 && answer.code !== "survey_archived") refuse(row.line, "imported before with different content (same response id)");
        else refuse(row.line, answer.message ?? `HTTP ${answer.status}`);
        progress.tick();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    progress.done();
  }

  // ── Summary ──────────────────────────────────────────────────────────────────────────────────────
  const refusedCount = [...refused.values()].reduce((n, lines) => n + lines.length, 0);
  const lines = [
    `${options["dry-run"] ? "Dry run (nothing written)" : "Import"} of ${file} into survey "${survey.id}": ${rows.length} rows`,
    options["dry-run"] ? `  would take  ${planned.length}` : `  taken       ${created + already} (${created} new, ${already} already imported)`,
    `  webhooks    ${options.announce ? "told of each new answer (--announce)" : "not told (quiet import; --announce tells them)"}`,
    `  refused     ${refusedCount}`,
    ...[...refused.entries()]
      .sort((a, b) => b[1].length - a[1].length)
      .map(([reason, at]) => `    ${String(at.length).padStart(5)}  ${reason} (row${at.length > 1 ? "s" : ""} ${at.slice(0, 8).join(", ")}${at.length > 8 ? ", …" : ""})`),
  ];
  console.log(lines.join("\n"));
}

if (options.url) {
  await importInto(apiTarget(options.url, (options.token ?? process.env.TAPSCORE_TOKEN)!));
} else {
  const persistTo = options["persist-to"] ?? persistToArgument();
  // The migrations first, as `npm start` does: the local D1 is brought up to date, its data kept.
  await migrate({ target: "local", ...(persistTo ? { persistTo } : {}), quiet: true });
  await withLocalDb(persistTo, async (db) => importInto(await localTarget(db)));
}

/** A progress bar on stderr when it is a terminal; otherwise a line every 10 %. */
function progressBar(total: number) {
  let done = 0;
  let lastDecile = 0;
  const tty = process.stderr.isTTY === true;
  const draw = () => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} rows`);
  };
  return {
    tick() {
      done++;
      if (tty) draw();
      else if (total > 0 && Math.floor((done / total) * 10) > lastDecile) {
        lastDecile = Math.floor((done / total) * 10);
        process.stderr.write(`${done}/${total} rows\n`);
      }
    },
    done() {
      if (tty) {
        draw();
        process.stderr.write("\n");
      }
    },
  };
}
