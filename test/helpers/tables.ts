import { env } from "cloudflare:test";

/** Row counts of every table, in one statement: "a 4xx changes nothing" compares two of these. */
export async function tableCounts(): Promise<Record<string, number>> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  // Scalar subqueries, not UNION ALL: D1 allows only a few terms in a compound SELECT.
  const sql = `SELECT ${tables.map(({ name }) => `(SELECT COUNT(*) FROM "${name}") AS "${name}"`).join(", ")}`;
  return (await env.DB.prepare(sql).first<Record<string, number>>())!;
}
