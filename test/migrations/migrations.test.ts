import { applyD1Migrations, env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { recordChoice } from "../../functions/counting/record";
import { getResponse } from "../../functions/storage/responses";
import { surveysWithRetention } from "../../functions/storage/retention";
import { getSurvey, listSurveys, updateSurvey } from "../../functions/storage/surveys";

// Each test builds and compares whole databases: seconds each on a busy 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

/**
 * migrations/ is how every database is built and upgraded; schema.sql is the readable current schema.
 * These tests hold the two together and prove that an installed database upgrades without losing data.
 */

/** Objects D1, SQLite and the migration runner keep for themselves: not Tapscore's schema. */
const isInternal = (name: string) => name.startsWith("sqlite_") || name.startsWith("_cf_") || name === "d1_migrations";

/**
 * CREATE text as SQLite stores it, reduced to what it means: comments dropped (schema.sql keeps its
 * comments inside the statements), whitespace and identifier quotes normalised (ALTER TABLE and RENAME
 * rewrite the text), keywords lower-cased. String literals are kept exactly.
 */
function normalizeSql(sql: string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] !== c) continue;
        if (sql[j + 1] === c) j++; // a doubled quote is an escaped one
        else break;
      }
      const body = sql.slice(i + 1, j);
      out += c === "'" ? `'${body}'` : body.toLowerCase();
      i = j + 1;
    } else if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
      out += " ";
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
      out += " ";
    } else {
      out += c.toLowerCase();
      i++;
    }
  }
  return out.replace(/\s+/g, " ").replace(/\s*([(),=<>])\s*/g, "$1").trim();
}

interface MasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

type Row = Record<string, unknown>;

async function rows(db: D1Database, sql: string, ...params: unknown[]): Promise<Row[]> {
  return (await db.prepare(sql).bind(...params).all<Row>()).results;
}

/**
 * Everything that makes up a schema, keyed by object name: sqlite_master's type, table and normalised
 * SQL (CHECKs, WITHOUT ROWID, partial-index WHERE clauses, view and trigger bodies), for each table its
 * columns (table_xinfo), indexes including the automatic ones behind UNIQUE and PRIMARY KEY (index_list
 * and index_xinfo) and foreign keys, and for each view its columns. toEqual on two of these names any
 * column or index that differs.
 */
async function schemaOf(db: D1Database): Promise<Record<string, Row>> {
  const objects = (await db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name").all<MasterRow>()).results;
  const schema: Record<string, Row> = {};
  for (const object of objects.filter((o) => !isInternal(o.name))) {
    const entry: Row = { type: object.type, tbl_name: object.tbl_name, sql: object.sql === null ? null : normalizeSql(object.sql) };
    if (object.type === "table") {
      entry.columns = await rows(db, "SELECT * FROM pragma_table_xinfo(?1) ORDER BY cid", object.name);
      const indexes = await rows(db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?1) ORDER BY name", object.name);
      for (const index of indexes) index.keys = await rows(db, "SELECT * FROM pragma_index_xinfo(?1) ORDER BY seqno", index.name);
      entry.indexes = indexes;
      entry.foreign_keys = await rows(db, "SELECT * FROM pragma_foreign_key_list(?1) ORDER BY id, seq", object.name);
    }
    if (object.type === "view") entry.columns = await rows(db, "SELECT * FROM pragma_table_xinfo(?1) ORDER BY cid", object.name);
    schema[object.name] = entry;
  }
  return schema;
}

/** schema.sql on an empty database, statement by statement (no migration bookkeeping). */
async function applySchemaSql(db: D1Database): Promise<void> {
  const queries = env.TEST_SCHEMA_SQL.flatMap((file) => file.queries);
  await db.batch(queries.map((query) => db.prepare(query)));
}

const tablesOf = (schema: Record<string, Row>) => Object.keys(schema).filter((name) => schema[name]!.type === "table");
const viewsOf = (schema: Record<string, Row>) => Object.keys(schema).filter((name) => schema[name]!.type === "view");

// Storage lives as long as the test file, not one test: each extra database is built once.
let current: Promise<Record<string, Row>> | undefined;
/** The schema of schema.sql, applied once to the empty TEST_SCHEMA_DB. */
const currentSchema = () => (current ??= applySchemaSql(env.TEST_SCHEMA_DB).then(() => schemaOf(env.TEST_SCHEMA_DB)));

describe("migrations/", () => {
  it("are numbered 0001, 0002, … without gaps, so wrangler and the test setup apply them in the same order", () => {
    const names = env.TEST_MIGRATIONS.map((m) => m.name);
    expect(names[0]).toBe("0001_initial.sql");
    names.forEach((name, i) => expect(name).toMatch(new RegExp(`^${String(i + 1).padStart(4, "0")}_[a-z0-9_]+\\.sql$`)));
  });

  it("applied to an empty database give exactly the tables, columns and indexes of schema.sql", async () => {
    const expected = await currentSchema();
    await applyD1Migrations(env.TEST_MIGRATED_DB, env.TEST_MIGRATIONS);

    expect(tablesOf(expected)).toEqual(expect.arrayContaining(["surveys", "answers", "invitations", "rollup_days"]));
    expect(viewsOf(expected)).toEqual(["events", "responses"]);
    expect((expected.surveys!.columns as Row[]).map((c) => c.name)).toContain("retain_days");
    expect(await schemaOf(env.TEST_MIGRATED_DB)).toEqual(expected);
    // The test setup builds every suite's database the same way.
    expect(await schemaOf(env.DB)).toEqual(expected);
  });

  it("refuse a retention period that is not positive (surveys.retain_days CHECK)", async () => {
    await env.DB.prepare(
      `INSERT INTO surveys (id, name, metric, scale_min, scale_max, satisfied_min, headline, locale, timezone, min_public_n, settings, created_at, updated_at)
       VALUES ('checked', 'Checked', 'csat', 1, 5, 4, 'percent', 'en', 'UTC', 10, '{}', 0, 0)`,
    ).run();
    await expect(env.DB.prepare("UPDATE surveys SET retain_days = 0 WHERE id = 'checked'").run()).rejects.toThrow(/CHECK constraint/);
    await env.DB.prepare("UPDATE surveys SET retain_days = 30 WHERE id = 'checked'").run();
  });
});

const T0 = Date.UTC(2025, 2, 1);
const DAY = 86_400_000;

/** A survey's settings JSON as the first release wrote it: retain_days inside, or absent before retention existed. */
const oldSettings = (retain: { retain_days?: number | null }) =>
  JSON.stringify({ question: { en: "How did we do?" }, follow_up: { en: "What could we do better?" }, ...retain, segments: ["plan"], target: { value: 80, by: "2025-12-31" }, benchmark: null });

/** Rows in every table of the first release, written with the SQL that release's Worker used. */
async function fillFirstRelease(db: D1Database): Promise<void> {
  const survey = (id: string, settings: string) =>
    db
      .prepare(
        `INSERT INTO surveys (id, name, metric, scale_min, scale_max, satisfied_min, headline, locale, timezone, touchpoint, attribute,
           public, min_public_n, settings, created_at, updated_at, archived_at)
         VALUES (?1, ?2, 'csat', 1, 5, 4, 'percent', 'en', 'Europe/Amsterdam', 'support', NULL, 1, 10, ?3, ?4, ?4, NULL)`,
      )
      .bind(id, `Survey ${id}`, settings, T0);
  const invitation = (id: string, surveyId: string, at: number) =>
    db
      .prepare(
        `INSERT INTO invitations (id, survey_id, recipient, email, locale, properties, created_at, expires_at)
         VALUES (?1, ?2, ?3, NULL, 'nl', '{"plan":"pro"}', ?4, ?4 + 30 * 86400000)`,
      )
      .bind(id, surveyId, `cust-${id}`, at);
  await db.batch([
    survey("kept-90", oldSettings({ retain_days: 90 })),
    survey("kept-forever", oldSettings({ retain_days: null })),
    survey("before-retention", oldSettings({})),
    invitation("inv-1", "kept-90", T0 + DAY),
    invitation("inv-2", "kept-90", T0 + 2 * DAY),
    invitation("inv-3", "before-retention", T0 + 2 * DAY),
    invitation("inv-4", "kept-90", T0 + 3 * DAY),
    // Two invitations' events interleaved in the log; inv-4 was only fetched by a scanner, so it has no response.
    db.prepare(
      `INSERT INTO events (invitation_id, kind, score, at, client, asn, country, signals) VALUES
         ('inv-1', 'tap', 5, ${T0 + DAY}, 'browser', 1136, 'NL', '{"fetch_mode":"navigate"}'),
         ('inv-2', 'view', NULL, ${T0 + 2 * DAY}, 'headless', NULL, NULL, '{}'),
         ('inv-1', 'comment', NULL, ${T0 + DAY + 5000}, 'browser', 1136, 'NL', '{}'),
         ('inv-2', 'tap', 2, ${T0 + 2 * DAY + 1000}, 'headless', NULL, NULL, '{}'),
         ('inv-3', 'ingest', 4, ${T0 + 2 * DAY}, 'admin', NULL, NULL, '{}'),
         ('inv-4', 'view', NULL, ${T0 + 3 * DAY}, 'bot', 8075, 'US', '{"prefetch":true}')`,
    ),
    db.prepare(
      `INSERT INTO responses (id, invitation_id, survey_id, score, comment, status, reason, override, created_at, updated_at, event_seq) VALUES
         ('rsp_inv-1', 'inv-1', 'kept-90', 5, 'Quick and friendly', 'counted', 'confirmed', NULL, ${T0 + DAY}, ${T0 + DAY + 5000}, 3),
         ('rsp_inv-2', 'inv-2', 'kept-90', 2, NULL, 'suspected', 'headless_client', NULL, ${T0 + 2 * DAY + 1000}, ${T0 + 2 * DAY + 1000}, 4),
         ('rsp_inv-3', 'inv-3', 'before-retention', 4, NULL, 'counted', 'tap', 'counted', ${T0 + 2 * DAY}, ${T0 + 2 * DAY}, 5)`,
    ),
    db.prepare(
      `INSERT INTO rollup_days (survey_id, day, dimension, value, counts, invitations, comments, excluded) VALUES
         ('kept-90', '2025-03-02', 'all', '', '[0,0,0,0,1]', 1, 1, 0),
         ('kept-90', '2025-03-03', 'all', '', '[0,0,0,0,0]', 1, 0, 1),
         ('kept-90', '2025-03-03', 'plan', 'pro', '[0,0,0,0,0]', 1, 0, 1)`,
    ),
    db.prepare(`INSERT INTO rollup_watermarks (id, responses_seq, invitations_seq, updated_at) VALUES (1, 5, 4, ${T0 + 3 * DAY})`),
    db.prepare("INSERT INTO decision_watermark (id, events_seq) VALUES (1, 6)"),
    db.prepare(`INSERT INTO rollup_touches (survey_id, at) VALUES ('kept-90', ${T0})`),
    db.prepare(`INSERT INTO queue_messages (id, at) VALUES ('msg-1', ${T0 + DAY})`),
    db.prepare(`INSERT INTO annotations (id, survey_id, at, label) VALUES ('ann-1', 'kept-90', ${T0 + DAY}, 'New help centre')`),
    db.prepare(
      `INSERT INTO api_keys (id, name, scopes, secret_hash, created_at, last_used_at, revoked_at)
       VALUES ('k_3f9a1c2e7b4d', 'CRM', '["responses:read"]', '${"ab".repeat(32)}', ${T0}, NULL, NULL)`,
    ),
    db.prepare(
      `INSERT INTO idempotency_keys (scope, key, request_hash, invitation_id, response, created_at)
       VALUES ('responses:before-retention', 'import:zendesk:1', '${"cd".repeat(32)}', 'inv-3', '{"id":"rsp_inv-3"}', ${T0 + 2 * DAY})`,
    ),
    db.prepare(
      `INSERT INTO webhooks (id, url, events, survey_id, format, secret, created_at)
       VALUES ('wh_1', 'https://hooks.example.com/t', '["response.created"]', NULL, 'standard', 'whsec_c2VjcmV0', ${T0})`,
    ),
    db.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, dedupe_key, event, survey_id, invitation_id, body, status, attempts, next_attempt_at, attempt_log, created_at, updated_at)
       VALUES ('msg_1', 'wh_1', 'wh_1:inv-1:created', 'response.created', 'kept-90', 'inv-1', '{}', 'delivered', 1, NULL, '[]', ${T0 + DAY}, ${T0 + DAY})`,
    ),
    db.prepare(
      `INSERT INTO erasures (id, at, survey_id, requested_by, invitations, responses, events, webhook_deliveries)
       VALUES ('era_1', ${T0 + 3 * DAY}, NULL, NULL, 1, 1, 2, 0)`,
    ),
    db.prepare(`INSERT INTO retention_cursors (survey_id, events_seq, updated_at) VALUES ('kept-90', 0, ${T0})`),
  ]);
}

/** Every row of every table, as sorted JSON lines: a snapshot to compare before and after. */
async function contentsOf(db: D1Database, tables: readonly string[]): Promise<Record<string, string[]>> {
  const contents: Record<string, string[]> = {};
  for (const table of tables) contents[table] = (await rows(db, `SELECT * FROM "${table}"`)).map((row) => JSON.stringify(row)).sort();
  return contents;
}

describe("upgrading a database made by the first release", () => {
  it("keeps every row, carries retain_days from the settings JSON into its column and events and responses into answers", async () => {
    const db = env.TEST_UPGRADED_DB;
    await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, 1));
    // The comparison tells a database that lacks a later migration apart.
    const firstRelease = await schemaOf(db);
    expect(firstRelease).not.toEqual(await currentSchema());
    expect((firstRelease.surveys!.columns as Row[]).map((c) => c.name)).not.toContain("retain_days");
    await fillFirstRelease(db);
    const firstTables = tablesOf(await schemaOf(db));
    const before = await contentsOf(db, firstTables);
    // Every table of the first release holds something, so "nothing lost" covers them all.
    for (const table of firstTables) expect(before[table], table).not.toHaveLength(0);

    await applyD1Migrations(db, env.TEST_MIGRATIONS);

    const upgraded = await schemaOf(db);
    expect(upgraded).toEqual(await currentSchema());
    // 0008 drops the bookkeeping of the old layout: seen queue message ids (now kept in the events they
    // wrote), the repair's watermark (now answers.stale) and retention's per-survey cursors (now
    // retention_sweep). Everything else is still there to read: events and responses as views.
    const dropped = ["queue_messages", "decision_watermark", "retention_cursors"];
    for (const table of dropped) expect(upgraded[table], table).toBeUndefined();
    expect(upgraded.events?.type).toBe("view");
    expect(upgraded.responses?.type).toBe("view");
    const tables = firstTables.filter((table) => !dropped.includes(table));
    const after = await contentsOf(db, tables);
    // responses is not among them: every response reads back exactly as stored, decision and comment included.
    const changed = ["surveys", "erasures", "api_keys", "invitations", "rollup_days", "rollup_watermarks", "events"];
    for (const table of tables.filter((t) => !changed.includes(t))) expect(after[table], table).toEqual(before[table]);
    const withColumns = (table: string, added: (row: Row) => Row) =>
      before[table]!.map((line) => JSON.parse(line) as Row).map((row) => JSON.stringify({ ...row, ...added(row) })).sort();
    // 0005 marks the invitation an ingested answer made (inv-3's event is an ingest); 0006 names every older one's source.
    expect(after.invitations).toEqual(withColumns("invitations", (row) => ({ ingested: row.id === "inv-3" ? 1 : 0, source: "invitation" })));
    // 0005 counts answered invitations per day, and has the next ticks recount every day with it.
    expect(after.rollup_days).toEqual(withColumns("rollup_days", () => ({ answered: 0 })));
    expect(after.rollup_watermarks).toEqual(withColumns("rollup_watermarks", () => ({ responses_seq: 0, invitations_seq: 0 })));
    // 0008 keeps every event of every invitation, oldest first; seq is now its place in its
    // invitation's history instead of in one log, and no old event was written by a queue message.
    const places = new Map<string, number>();
    const renumbered = before
      .events!.map((line) => JSON.parse(line) as Row)
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map(({ seq: _logSeq, invitation_id, ...event }) => {
        const seq = (places.get(String(invitation_id)) ?? 0) + 1;
        places.set(String(invitation_id), seq);
        return JSON.stringify({ invitation_id, seq, ...event, message_id: null });
      });
    expect(after.events).toEqual(renumbered.sort());
    // 0003 counts erased messages too; erasures made before it removed none.
    expect(after.erasures).toEqual(before.erasures!.map((row) => JSON.stringify({ ...(JSON.parse(row) as Row), sends: 0 })));
    // 0004 binds Delighted-style keys to a survey; the keys made before it are Tapscore keys.
    expect(after.api_keys).toEqual(before.api_keys!.map((row) => JSON.stringify({ ...(JSON.parse(row) as Row), delighted_survey: null })));
    // 0004 rebuilt webhooks to widen its format CHECK: the rows are the same, and the new format is allowed.
    await db.prepare("UPDATE webhooks SET format = 'delighted' WHERE rowid = (SELECT min(rowid) FROM webhooks)").run();
    await expect(db.prepare("UPDATE webhooks SET format = 'xml'").run()).rejects.toThrow(/CHECK constraint/);

    // 0008: each invitation that had a request is one answer holding its events in order with the decision
    // its response had; one that only a scanner fetched has its events and no decision.
    const event = (kind: string, score: number | null, at: number, client: string, asn: number | null, country: string | null, signals: Row) => ({
      kind,
      score,
      at,
      client,
      asn,
      country,
      signals,
    });
    const answers = (await rows(db, "SELECT * FROM answers ORDER BY invitation_id")).map((answer) => ({ ...answer, events: JSON.parse(String(answer.events)) as unknown }));
    const undecided = { score: null, comment: null, status: null, reason: null, override: null, created_at: null, event_seq: null };
    expect(answers).toEqual([
      {
        invitation_id: "inv-1",
        survey_id: "kept-90",
        events: [event("tap", 5, T0 + DAY, "browser", 1136, "NL", { fetch_mode: "navigate" }), event("comment", null, T0 + DAY + 5000, "browser", 1136, "NL", {})],
        version: 1,
        stale: 0,
        score: 5,
        comment: "Quick and friendly",
        status: "counted",
        reason: "confirmed",
        override: null,
        created_at: T0 + DAY,
        updated_at: T0 + DAY + 5000,
        event_seq: 3,
      },
      {
        invitation_id: "inv-2",
        survey_id: "kept-90",
        events: [event("view", null, T0 + 2 * DAY, "headless", null, null, {}), event("tap", 2, T0 + 2 * DAY + 1000, "headless", null, null, {})],
        version: 1,
        stale: 0,
        score: 2,
        comment: null,
        status: "suspected",
        reason: "headless_client",
        override: null,
        created_at: T0 + 2 * DAY + 1000,
        updated_at: T0 + 2 * DAY + 1000,
        event_seq: 4,
      },
      {
        invitation_id: "inv-3",
        survey_id: "before-retention",
        events: [event("ingest", 4, T0 + 2 * DAY, "admin", null, null, {})],
        version: 1,
        stale: 0,
        score: 4,
        comment: null,
        status: "counted",
        reason: "tap",
        override: "counted",
        created_at: T0 + 2 * DAY,
        updated_at: T0 + 2 * DAY,
        event_seq: 5,
      },
      {
        invitation_id: "inv-4",
        survey_id: "kept-90",
        events: [event("view", null, T0 + 3 * DAY, "bot", 8075, "US", { prefetch: true })],
        version: 1,
        stale: 0,
        ...undecided,
        updated_at: T0 + 3 * DAY,
      },
    ]);
    expect(await getResponse(db, "rsp_inv-1")).toMatchObject({
      id: "rsp_inv-1",
      invitation: "inv-1",
      survey: "kept-90",
      recipient: "cust-inv-1",
      score: 5,
      comment: "Quick and friendly",
      status: "counted",
      reason: "confirmed",
      properties: { plan: "pro" },
      created_at: T0 + DAY,
    });
    expect(await getResponse(db, "rsp_inv-4")).toBeNull();

    // Taps on upgraded answers land on the version the migration gave them: the person's first choice
    // after a scanner's fetch, and a change of mind from the browser of inv-1's first tap (its request
    // looked the same then) that keeps the comment. Both decisions come after every carried one in the
    // rollups' change order.
    const person = { client: "browser" as const, asn: 1136, country: "NL", signals: { fetch_mode: "navigate" } };
    const tappedAt = T0 + 10 * DAY;
    const tap = (invitationId: string, score: number, now: number) =>
      recordChoice(db, { invitationId, surveyId: "kept-90", kind: "tap", score, facts: person, now });
    expect(await tap("inv-4", 4, tappedAt)).toMatchObject({ score: 4, status: "counted" });
    expect(await tap("inv-1", 3, tappedAt + 1000)).toMatchObject({ score: 3, status: "counted" });
    const tapped = await rows(db, "SELECT invitation_id, version, stale, score, comment, status, event_seq FROM answers WHERE invitation_id IN ('inv-1', 'inv-4') ORDER BY event_seq");
    expect(tapped).toEqual([
      { invitation_id: "inv-4", version: 2, stale: 0, score: 4, comment: null, status: "counted", event_seq: expect.any(Number) },
      { invitation_id: "inv-1", version: 2, stale: 0, score: 3, comment: "Quick and friendly", status: "counted", event_seq: expect.any(Number) },
    ]);
    expect(Number(tapped[0]!.event_seq)).toBeGreaterThan(5);
    expect(await rows(db, "SELECT invitation_id, seq, kind, score FROM events WHERE invitation_id IN ('inv-1', 'inv-4') ORDER BY invitation_id, seq")).toEqual([
      { invitation_id: "inv-1", seq: 1, kind: "tap", score: 5 },
      { invitation_id: "inv-1", seq: 2, kind: "comment", score: null },
      { invitation_id: "inv-1", seq: 3, kind: "tap", score: 3 },
      { invitation_id: "inv-4", seq: 1, kind: "view", score: null },
      { invitation_id: "inv-4", seq: 2, kind: "tap", score: 4 },
    ]);

    const surveys = await rows(db, "SELECT * FROM surveys ORDER BY id");
    expect(surveys).toHaveLength(3);
    expect(surveys.map((s) => [s.id, s.retain_days])).toEqual([
      ["before-retention", null],
      ["kept-90", 90],
      ["kept-forever", null],
    ]);
    // The key left settings, and nothing else in it changed; every other column is as it was.
    const old = before.surveys!.map((line) => JSON.parse(line) as Row).sort((a, b) => String(a.id).localeCompare(String(b.id)));
    surveys.forEach((survey, i) => {
      const { retain_days: _moved, ...settings } = JSON.parse(String(old[i]!.settings)) as Row;
      expect(JSON.parse(String(survey.settings))).toEqual(settings);
      expect({ ...survey, settings: null, retain_days: null }).toEqual({ ...old[i], settings: null, retain_days: null });
    });

    // The Worker's storage reads the upgraded rows as it reads new ones.
    expect(await getSurvey(db, "kept-90")).toMatchObject({
      id: "kept-90",
      metric: "csat",
      scale: { min: 1, max: 5 },
      question: { en: "How did we do?" },
      follow_up: { en: "What could we do better?" },
      segments: ["plan"],
      target: { value: 80, by: "2025-12-31" },
      benchmark: null,
      timezone: "Europe/Amsterdam",
      public: true,
      retain_days: 90,
      archived: false,
      created_at: T0,
    });
    expect(await getSurvey(db, "before-retention")).toMatchObject({ retain_days: null, segments: ["plan"] });
    expect((await listSurveys(db, { includeArchived: true, after: null, limit: 10 })).surveys.map((s) => s.id)).toEqual([
      "before-retention",
      "kept-90",
      "kept-forever",
    ]);
    expect(await surveysWithRetention(db)).toEqual([{ id: "kept-90", retain_days: 90 }]);

    // And writes it back to the column, not to settings.
    const survey = (await getSurvey(db, "kept-forever"))!;
    await updateSurvey(db, { ...survey, retain_days: 365 }, T0 + 10 * DAY);
    expect(await surveysWithRetention(db)).toEqual([
      { id: "kept-90", retain_days: 90 },
      { id: "kept-forever", retain_days: 365 },
    ]);
    expect(await db.prepare("SELECT json_type(settings, '$.retain_days') AS t FROM surveys WHERE id = 'kept-forever'").first("t")).toBeNull();
  });

});
