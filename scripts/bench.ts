/**
 * `npm run bench`: Tapscore's performance as ratios measured in one run on this machine (DESIGN §6).
 *  a. the one-tap record path vs a bare Worker, both under `wrangler dev`, same load generator;
 *  b. D1 rows written per counted response (meta.rows_written), direct and through the queue;
 *  c. rows read by an incremental rollup of 1,000 new answers over 10k / 100k / 1M of history,
 *     and by a full rebuild;
 *  d. rollup throughput on D1 vs the same rollup code on plain SQLite (better-sqlite3);
 *  e. site build time and bytes per page as surveys grow.
 * Writes a Markdown table to stdout and everything to bench/results.json; progress goes to stderr.
 * `npm run bench -- --quick` uses smaller sizes (a minute or two) to check the bench itself.
 */
import Database from "better-sqlite3";
import { readFileSync, writeFileSync } from "node:fs";
import { withLocalDb } from "./lib/worker-modules.ts";
import type { D1Like } from "../bench/d1-like.ts";
import { addHistory, addNewAnswers, DAY, SURVEY } from "../bench/history.ts";
import { runLoad, type LoadResult } from "../bench/load.ts";
import { MeteredD1 } from "../bench/metered-d1.ts";
import { freshState, startDev } from "../bench/servers.ts";
import { measureSite, type SiteRun } from "../bench/site.ts";
import { sqliteD1 } from "../bench/sqlite-d1.ts";
import { loadWorkerCode, type ChoiceLike, type WorkerCode } from "../bench/worker-code.ts";

const quick = process.argv.includes("--quick");
const TAPS = quick ? 500 : 2_000;
const CONCURRENCY = 8;
const HISTORY = quick ? [10_000, 30_000] : [10_000, 100_000, 1_000_000];
const SITE_COPIES = quick ? [1, 2] : [1, 4, 12];
const NOW = Date.UTC(2027, 0, 1); // later than every bench row, so every response has settled
const began = performance.now();
const log = (line: string) => console.error(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);

// ── a. the record path vs a bare Worker ─────────────────────────────────────────────────────────
interface QueuedRun {
  /** The taps answered, as the people see it: pages per second. */
  pages: LoadResult;
  /** From the first tap until the consumer had stored every one. */
  storedSeconds: number;
  storedPerSecond: number;
}

async function recordPath(): Promise<{
  bare: LoadResult;
  record: LoadResult;
  ratio: number;
  forged: LoadResult;
  resolveOnly: LoadResult;
  noStorage: LoadResult;
  queued: QueuedRun;
  queuedRatio: number;
}> {
  const bareServer = await startDev({ config: "bench/bare.wrangler.toml" });
  let bare: LoadResult;
  try {
    await runLoad(() => `${bareServer.base}/r/warm/5`, 200, CONCURRENCY);
    bare = await runLoad((i) => `${bareServer.base}/r/t${i}/5`, TAPS, CONCURRENCY);
  } finally {
    await bareServer.stop();
  }
  log(`bare Worker: ${bare.perSecond.toFixed(0)} req/s, p50 ${bare.p50ms.toFixed(1)} ms`);

  const state = await freshState("tapscore-bench-");
  const admin = "bench-admin-token-0123456789abcdef";
  // Development, as `npm start`: links to the server's own origin without a PUBLIC_URL.
  const vars = { ADMIN_TOKEN: admin, LINK_SECRET: "bench-link-secret-0123456789abcdef", SESSION_SECRET: "bench-session-secret-0123456789abc", ENVIRONMENT: "development" };
  const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (method === "GET" ? await response.text() : await response.json()) as T;
  };
  const links: string[] = [];
  let direct: { record: LoadResult; forged: LoadResult; resolveOnly: LoadResult };
  const server = await startDev({ config: "wrangler.toml", persistTo: state.dir, vars });
  try {
    await call(server.base, "POST", "/api/v1/surveys", { id: "bench", name: "Bench", metric: "csat" });
    for (let made = 0; made < 2 * (TAPS + 200); made += 1_000) {
      const recipients = Array.from({ length: 1_000 }, (_, i) => ({ recipient: `b-${made + i}` }));
      const { invitations } = await call<{ invitations: { links: Record<string, string> }[] }>(server.base, "POST", "/api/v1/surveys/bench/invitations", {
        recipients,
        snippets: false,
      });
      links.push(...invitations.map((inv, i) => inv.links[String(1 + ((made + i) % 5))]!));
    }
    log(`record path: ${links.length} invitations made`);
    await runLoad((i) => links[i]!, 200, CONCURRENCY); // warm-up on invitations of its own
    const record = await runLoad((i) => links[200 + i]!, TAPS, CONCURRENCY);
    log(`record path: ${record.perSecond.toFixed(0)} taps/s, p50 ${record.p50ms.toFixed(1)} ms, statuses ${JSON.stringify(record.statuses)}`);
    // Where the time goes: the same route without D1 (a forged token: verified, refused, a 404 page),
    // and with only its read (a score off the scale: the link resolved, a 400 page, nothing written).
    const forged = await runLoad((i) => `${server.base}/r/forged-token-${i}/4`, TAPS, CONCURRENCY);
    const resolveOnly = await runLoad((i) => links[200 + i]!.replace(/\/\d+$/, "/99"), TAPS, CONCURRENCY);
    log(`forged link: ${forged.perSecond.toFixed(0)} req/s; link resolved, nothing written: ${resolveOnly.perSecond.toFixed(0)} req/s`);
    direct = { record, forged, resolveOnly };
  } finally {
    await server.stop();
  }

  // The route's own work with no storage (bench/page-worker.ts), on the same valid links: what is left
  // of the bare Worker's rate before any D1 round trip or queue send.
  const pageServer = await startDev({ config: "bench/page.wrangler.toml", vars: { LINK_SECRET: vars.LINK_SECRET } });
  let noStorage: LoadResult;
  try {
    const onPage = (link: string) => link.replace(/^http:\/\/127\.0\.0\.1:\d+/, pageServer.base);
    await runLoad((i) => onPage(links[i]!), 200, CONCURRENCY);
    noStorage = await runLoad((i) => onPage(links[200 + i]!), TAPS, CONCURRENCY);
  } finally {
    await pageServer.stop();
  }
  log(`the route without storage: ${noStorage.perSecond.toFixed(0)} req/s, statuses ${JSON.stringify(noStorage.statuses)}`);

  // The same Worker with INGEST_MODE = "queue": the page after the read and the send; the consumer
  // writes each batch of up to 100 taps in one transaction. Timed until every tap is stored.
  const queuedServer = await startDev({ config: "wrangler.toml", persistTo: state.dir, vars: { ...vars, INGEST_MODE: "queue" } });
  try {
    const base = TAPS + 200;
    const stored = async () => (await call<string>(queuedServer.base, "GET", "/api/v1/surveys/bench/responses?format=ndjson")).split("\n").filter(Boolean).length;
    const onQueued = (link: string) => link.replace(/^http:\/\/127\.0\.0\.1:\d+/, queuedServer.base);
    await runLoad((i) => onQueued(links[base + i]!), 200, CONCURRENCY);
    const expected = 2 * (TAPS + 200);
    const started = performance.now();
    const pages = await runLoad((i) => onQueued(links[base + 200 + i]!), TAPS, CONCURRENCY);
    const deadline = started + 120_000;
    while ((await stored()) < expected) {
      if (performance.now() > deadline) throw new Error("the queue consumer did not store every tap within 2 minutes");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const storedSeconds = (performance.now() - started) / 1000;
    const queued = { pages, storedSeconds, storedPerSecond: TAPS / storedSeconds };
    log(`queue: ${pages.perSecond.toFixed(0)} pages/s, every tap stored after ${storedSeconds.toFixed(1)} s (${queued.storedPerSecond.toFixed(0)} taps/s)`);
    return { bare, ...direct, noStorage, ratio: direct.record.perSecond / bare.perSecond, queued, queuedRatio: pages.perSecond / bare.perSecond };
  } finally {
    await queuedServer.stop();
    state.remove();
  }
}

// ── b. rows written per counted response ────────────────────────────────────────────────────────
const person = (invitationId: string, surveyId: string, score: number, now: number): ChoiceLike => ({
  invitationId,
  surveyId,
  kind: "tap",
  score,
  facts: { client: "browser", asn: null, country: null, signals: { fetch_mode: "navigate", fetch_site: "none", fetch_dest: "document", fetch_user: true, accept_language: true } },
  now,
});

async function inviteBySql(db: D1Like, surveyId: string, prefix: string, count: number): Promise<string[]> {
  await db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
       INSERT INTO invitations (id, survey_id, recipient, properties, created_at, expires_at)
       SELECT ?1 || i, ?3, ?1 || i, '{"channel":"email"}', ?4, ?4 + 2592000000 FROM n`,
    )
    .bind(prefix, count, surveyId, Date.now())
    .run();
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}

async function rowsWritten(code: WorkerCode, db: D1Like) {
  const N = 200;
  await code.insertSurvey(db, code.parseNewSurvey({ id: "bench-write", name: "Bench writes", metric: "csat" }), Date.now());
  const direct = await inviteBySql(db, "bench-write", "wd", N);
  const queued = await inviteBySql(db, "bench-write", "wq", N);
  const meter = new MeteredD1(db);
  let counted = 0;
  // As the tap route does: the link's invitation, survey and answer in one round trip, then the write.
  for (const id of direct) {
    const target = await code.linkTarget(meter.binding, id);
    if ((await code.recordChoice(meter.binding, person(id, "bench-write", 4, Date.now()), { known: target?.answer }))?.status === "counted") counted++;
  }
  const directRows = { rowsWritten: meter.rowsWritten, rowsRead: meter.rowsRead, statements: meter.statements, roundTrips: meter.roundTrips, counted };
  meter.reset();
  for (let at = 0; at < N; at += 100) {
    const messages = queued.slice(at, at + 100).map((id, i) => ({
      id: `m${at + i}`,
      timestamp: new Date(),
      attempts: 1,
      body: code.toMessage(`tap_bench_${at + i}_${Date.now()}`, person(id, "bench-write", 4, Date.now())),
      ack() {},
      retry() {},
    }));
    await code.consumeTaps({ queue: "tapscore-taps", messages, ackAll() {}, retryAll() {} }, { DB: meter.binding }, { waitUntil() {}, passThroughOnException() {} });
  }
  const queuedCounted = await db.prepare("SELECT COUNT(*) AS n FROM responses WHERE invitation_id LIKE 'wq%' AND status = 'counted'").first<number>("n");
  const queuedRows = { rowsWritten: meter.rowsWritten, rowsRead: meter.rowsRead, statements: meter.statements, roundTrips: meter.roundTrips, counted: queuedCounted ?? 0 };
  log(`rows written per counted tap: direct ${(directRows.rowsWritten / counted).toFixed(2)}, queued ${(queuedRows.rowsWritten / queuedRows.counted).toFixed(2)}`);
  return {
    direct: { ...directRows, perCounted: directRows.rowsWritten / directRows.counted, statementsPerTap: directRows.statements / N, roundTripsPerTap: directRows.roundTrips / N },
    queued: { ...queuedRows, perCounted: queuedRows.rowsWritten / queuedRows.counted, statementsPerTap: queuedRows.statements / N, roundTripsPerTap: queuedRows.roundTrips / N },
  };
}

// ── c and d. rollups over growing history ───────────────────────────────────────────────────────
interface RollupStep {
  history: number;
  incrementalRowsRead: number;
  incrementalStatements: number;
  rebuildRowsRead: number;
  rebuildSeconds: number;
  responses: number;
}

/** The sequence of data the rollup bench builds; replayed on SQLite for the throughput comparison. */
function* plan(sizes: readonly number[]) {
  let next = 1;
  let history = 0;
  for (const [k, size] of sizes.entries()) {
    yield { kind: "history" as const, from: next, to: next + (size - history) - 1, size };
    next += size - history;
    history = size;
    yield { kind: "new" as const, from: next, day: Date.UTC(2026, 2, 1) + k * 7 * DAY, size };
    next += 1_000;
  }
}

async function rollups(code: WorkerCode, db: D1Like) {
  await code.insertSurvey(db, code.parseNewSurvey({ id: SURVEY, name: "Bench history", metric: "csat" }), Date.UTC(2024, 11, 1));
  const steps: RollupStep[] = [];
  let throughput: { d1Seconds: number; sqliteSeconds: number; responses: number; identical: boolean } | null = null;
  const meter = new MeteredD1(db);
  for (const step of plan(HISTORY)) {
    if (step.kind === "history") {
      await addHistory(db, step.from, step.to, (done) => log(`history: ${done.toLocaleString("en")} responses`));
      meter.reset();
      const started = performance.now();
      await code.rebuildRollups(meter.binding, { now: NOW });
      const rebuildSeconds = (performance.now() - started) / 1000;
      steps.push({ history: step.size, incrementalRowsRead: 0, incrementalStatements: 0, rebuildRowsRead: meter.rowsRead, rebuildSeconds, responses: step.to });
      log(`rebuild over ${step.to.toLocaleString("en")} responses: ${meter.rowsRead.toLocaleString("en")} rows read, ${rebuildSeconds.toFixed(1)} s`);
      if (step.size === HISTORY[1]) throughput = await againstSqlite(code, db, step.to, rebuildSeconds);
    } else {
      await addNewAnswers(db, step.from, step.day);
      meter.reset();
      const report = await code.runRollups(meter.binding, { now: NOW, maxChunks: Number.MAX_SAFE_INTEGER, budgetMs: Number.POSITIVE_INFINITY });
      if (report.responses !== 1_000) throw new Error(`the incremental rollup took ${report.responses} responses, not 1,000`);
      const last = steps.at(-1)!;
      last.incrementalRowsRead = meter.rowsRead;
      last.incrementalStatements = meter.statements;
      log(`incremental rollup of 1,000 over ${step.size.toLocaleString("en")}: ${meter.rowsRead.toLocaleString("en")} rows read`);
    }
  }
  return { steps, throughput };
}

const rollupRowsSql = "SELECT survey_id, day, dimension, value, counts, invitations, comments, excluded FROM rollup_days WHERE survey_id = ?1 ORDER BY day, dimension, value";

/** The same rows in plain SQLite (in memory), the same rebuild code; are the histograms identical? */
async function againstSqlite(code: WorkerCode, d1: D1Like, responses: number, d1Seconds: number) {
  const sqlite = new Database(":memory:");
  sqlite.exec(readFileSync("schema.sql", "utf8"));
  const db = sqliteD1(sqlite);
  await code.insertSurvey(db, code.parseNewSurvey({ id: SURVEY, name: "Bench history", metric: "csat" }), Date.UTC(2024, 11, 1));
  for (const step of plan(HISTORY)) {
    if (step.from > responses) break;
    if (step.kind === "history") await addHistory(db, step.from, step.to, () => {});
    else await addNewAnswers(db, step.from, step.day);
  }
  const started = performance.now();
  await code.rebuildRollups(db, { now: NOW });
  const sqliteSeconds = (performance.now() - started) / 1000;
  const [mine, theirs] = await Promise.all([d1.prepare(rollupRowsSql).bind(SURVEY).all(), db.prepare(rollupRowsSql).bind(SURVEY).all()]);
  const identical = JSON.stringify(mine.results) === JSON.stringify(theirs.results);
  sqlite.close();
  log(`SQLite rebuild over ${responses.toLocaleString("en")}: ${sqliteSeconds.toFixed(2)} s; rollup rows identical: ${identical}`);
  return { d1Seconds, sqliteSeconds, responses, identical };
}

// ── the run ─────────────────────────────────────────────────────────────────────────────────────
const fmt = (n: number, digits = 2) => n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const int = (n: number) => Math.round(n).toLocaleString("en");

log(`tapscore bench${quick ? " (quick)" : ""}: ${TAPS} taps at concurrency ${CONCURRENCY}, history ${HISTORY.join(" / ")}`);
const load = await recordPath();
const code = await loadWorkerCode();
const state = await freshState("tapscore-bench-d1-");
let written: Awaited<ReturnType<typeof rowsWritten>>;
let rolled: Awaited<ReturnType<typeof rollups>>;
try {
  ({ written, rolled } = await withLocalDb(state.dir, async (raw) => {
    const db = raw as D1Like;
    return { written: await rowsWritten(code, db), rolled: await rollups(code, db) };
  }));
} finally {
  state.remove();
}
let site: SiteRun[] | { error: string };
try {
  site = await measureSite(SITE_COPIES, log);
} catch (error) {
  site = { error: error instanceof Error ? error.message : String(error) };
  log(`site: not measured (${site.error.slice(0, 200)})`);
}

const first = rolled.steps[0]!;
const lastStep = rolled.steps.at(-1)!;
const flatness = lastStep.incrementalRowsRead / first.incrementalRowsRead;
const throughput = rolled.throughput;
const rollupRatio = throughput ? throughput.sqliteSeconds / throughput.d1Seconds : Number.NaN;
const results = {
  measured_at: new Date().toISOString(),
  machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
  quick,
  record_path: { ...load, target: 0.7 },
  rows_written: { ...written, target: 3 },
  round_trips: { direct: written.direct.roundTripsPerTap, queued: written.queued.roundTripsPerTap, target: 2 },
  rollup_rows_read: { steps: rolled.steps, flatness, target: 1.2 },
  rollup_throughput: throughput ? { ...throughput, ratio: rollupRatio, target: 0.25 } : null,
  site,
  seconds: (performance.now() - began) / 1000,
};
writeFileSync("bench/results.json", `${JSON.stringify(results, null, 2)}\n`);

const ok = (pass: boolean) => (pass ? "met" : "**not met**");
const lines = [
  `| measure | result | target | |`,
  `| --- | --- | --- | --- |`,
  `| one-tap record path ÷ bare Worker (req/s, ${CONCURRENCY} clients, ${int(TAPS)} requests) | ${fmt(load.ratio)} (${int(load.record.perSecond)} vs ${int(load.bare.perSecond)} req/s; p50 ${fmt(load.record.p50ms, 1)} vs ${fmt(load.bare.p50ms, 1)} ms; p99 ${fmt(load.record.p99ms, 1)} vs ${fmt(load.bare.p99ms, 1)} ms) | ≥ 0.7 | ${ok(load.ratio >= 0.7)} |`,
  `| one-tap record path with INGEST_MODE = "queue" ÷ bare Worker (every tap stored ${fmt(load.queued.storedSeconds, 1)} s after the first: ${int(load.queued.storedPerSecond)} taps/s) | ${fmt(load.queuedRatio)} (${int(load.queued.pages.perSecond)} req/s; p50 ${fmt(load.queued.pages.p50ms, 1)} ms; p99 ${fmt(load.queued.pages.p99ms, 1)} ms) | ≥ 0.7 | ${ok(load.queuedRatio >= 0.7)} |`,
  `| … the route's own work with no storage at all (bench/page-worker.ts: rate limit, token, facts, thank-you page) ÷ bare Worker | ${fmt(load.noStorage.perSecond / load.bare.perSecond)} (${int(load.noStorage.perSecond)} req/s; p50 ${fmt(load.noStorage.p50ms, 1)} ms) | | |`,
  `| … the real Worker without D1 (a forged link: routed, limited, verified, refused) ÷ bare Worker | ${fmt(load.forged.perSecond / load.bare.perSecond)} (${int(load.forged.perSecond)} req/s; p50 ${fmt(load.forged.p50ms, 1)} ms) | | |`,
  `| … the real Worker with its one read and no write (a score off the scale) ÷ bare Worker | ${fmt(load.resolveOnly.perSecond / load.bare.perSecond)} (${int(load.resolveOnly.perSecond)} req/s; p50 ${fmt(load.resolveOnly.p50ms, 1)} ms) | | |`,
  `| D1 rows written per counted response, direct | ${fmt(written.direct.perCounted)} (${fmt(written.direct.statementsPerTap, 1)} statements per tap) | ≤ 3 | ${ok(written.direct.perCounted <= 3)} |`,
  `| D1 rows written per counted response, queue (batches of 100) | ${fmt(written.queued.perCounted)} (${fmt(written.queued.statementsPerTap, 1)} statements per tap) | ≤ 3 | ${ok(written.queued.perCounted <= 3)} |`,
  `| D1 round trips per tap, direct (link, answer and survey read; event and decision written) | ${fmt(written.direct.roundTripsPerTap, 2)} | ≤ 2 | ${ok(written.direct.roundTripsPerTap <= 2)} |`,
  `| D1 round trips per tap, queue consumer (batches of 100) | ${fmt(written.queued.roundTripsPerTap, 2)} | ≤ 2 | ${ok(written.queued.roundTripsPerTap <= 2)} |`,
  ...rolled.steps.map(
    (s) => `| rows read: incremental rollup of 1,000 new over ${int(s.history)} history (full rebuild) | ${int(s.incrementalRowsRead)} (rebuild ${int(s.rebuildRowsRead)}, ${fmt(s.rebuildSeconds, 1)} s) | flat | |`,
  ),
  `| incremental rows read, ${int(lastStep.history)} ÷ ${int(first.history)} history | ${fmt(flatness)} | ≤ 1.2 | ${ok(flatness <= 1.2)} |`,
  throughput
    ? `| rollup throughput, D1 ÷ plain SQLite (rebuild of ${int(throughput.responses)} responses; histograms identical: ${throughput.identical ? "yes" : "**no**"}) | ${fmt(rollupRatio)} (${int(throughput.responses / throughput.d1Seconds)} vs ${int(throughput.responses / throughput.sqliteSeconds)} responses/s) | ≥ 0.25 | ${ok(rollupRatio >= 0.25)} |`
    : `| rollup throughput vs plain SQLite | not measured | ≥ 0.25 | |`,
  ...("error" in site
    ? [`| site build per page | not measured: ${site.error.slice(0, 120).replace(/\|/g, "/")} | linear | |`]
    : site.map((r) => `| site build, ${r.surveys} surveys → ${r.pages} pages | ${fmt(r.msPerPage, 0)} ms and ${int(r.bytesPerPage / 1024)} KiB per page (${fmt(r.seconds, 1)} s) | linear | |`)),
];
console.log(lines.join("\n"));
log(`done in ${fmt(results.seconds, 0)} s; wrote bench/results.json`);
