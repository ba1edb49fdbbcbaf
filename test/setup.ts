import { applyD1Migrations, env } from "cloudflare:test";
import { vi } from "vitest";

/**
 * Every test file starts from the same real database: every file in migrations/ applied to the local
 * D1. The Worker suites share one runtime (isolate: false, vitest.config.ts), so the databases a file
 * finds are first emptied of whatever the files before it made: every view, trigger and table dropped;
 * and a clock, spy or stubbed global a file before it left behind is undone.
 */
async function emptied(db: D1Database): Promise<void> {
  const { results } = await db
    .prepare(
      `SELECT type, name FROM sqlite_master
       WHERE type IN ('view', 'trigger', 'table') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'
       ORDER BY type = 'table', rowid DESC`,
    )
    .all<{ type: string; name: string }>();
  if (results.length === 0) return;
  const drop = results.map(({ type, name }) => db.prepare(`DROP ${type.toUpperCase()} IF EXISTS "${name.replaceAll('"', '""')}"`));
  await db.batch([db.prepare("PRAGMA defer_foreign_keys = on"), ...drop]);
}

vi.useRealTimers();
vi.restoreAllMocks();
vi.unstubAllGlobals();
vi.unstubAllEnvs();
await Promise.all([env.DB, env.TEST_SCHEMA_DB, env.TEST_MIGRATED_DB, env.TEST_UPGRADED_DB].map(emptied));
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
