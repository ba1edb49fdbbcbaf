import { applyD1Migrations, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

/**
 * The Worker suites share one runtime, one file after another (vitest.config.ts: isolate: false). Each
 * file must still start where a fresh clone's first run starts: the database the migrations make and
 * nothing else, whatever the files before it wrote (test/setup.ts).
 */

type Contents = Record<string, number>;

/** Every table, view and trigger of a database, with each table's and view's row count. */
async function contents(db: D1Database): Promise<Contents> {
  const { results } = await db
    .prepare("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name")
    .all<{ type: string; name: string }>();
  const found: Contents = {};
  for (const { type, name } of results) {
    found[`${type} ${name}`] = type === "trigger" ? 0 : ((await db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).first<number>("n")) ?? 0);
  }
  return found;
}

describe("every Worker test file", () => {
  it("starts on the database the migrations make, with no row another file wrote", async () => {
    // setup.ts emptied this one; built here the way a fresh clone's database is built.
    expect(await contents(env.TEST_MIGRATED_DB)).toEqual({});
    await applyD1Migrations(env.TEST_MIGRATED_DB, env.TEST_MIGRATIONS);
    const fresh = await contents(env.TEST_MIGRATED_DB);
    expect(Object.keys(fresh)).toContain("table answers");
    expect(await contents(env.DB)).toEqual(fresh);
  });

  it("starts on the real clock, whatever clock a file before it set", async () => {
    // SQLite's own clock, which no fake timer reaches.
    const database = (await env.DB.prepare("SELECT CAST(unixepoch('subsec') * 1000 AS INTEGER) AS now").first<number>("now")) ?? 0;
    expect(Math.abs(Date.now() - database)).toBeLessThan(60_000);
  });
});
