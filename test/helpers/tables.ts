import { env } from "cloudflare:test";

// The tables are the migrations', the same for every test file (test/setup.ts rebuilds them) and no test
// creates one in env.DB: read once per runtime.
let countsQuery: string | null = null;

/** Row counts of every table, in one statement: "a 4xx changes nothing" compares two of these. */
export async function tableCounts(): Promise<Record<string, number>> {
  if (countsQuery === null) {
    const { results: tables } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
    ).all<{ name: string }>();
    // Scalar subqueries, not UNION ALL: D1 allows only a few terms in a compound SELECT.
    countsQuery = `SELECT ${tables.map(({ name }) => `(SELECT COUNT(*) FROM "${name}") AS "${name}"`).join(", ")}`;
  }
  return (await env.DB.prepare(countsQuery).first<Record<string, number>>())!;
}
