import Database from "better-sqlite3";
import type { D1Like, D1ResultLike, D1StatementLike } from "./d1-like.ts";

/**
 * The same SQL the Worker sends to D1, run by plain SQLite in this process (better-sqlite3): the
 * baseline for rollup throughput. A batch is one transaction, as in D1; `?1` parameters become named
 * ones, and booleans 1/0, as D1 converts them.
 */
export function sqliteD1(db: Database.Database): D1Like {
  const statement = (query: string, values: unknown[]): D1StatementLike & { execute(): D1ResultLike } => {
    const sql = query.replace(/\?(\d+)/g, "@p$1");
    const params = Object.fromEntries(values.map((v, i) => [`p${i + 1}`, typeof v === "boolean" ? Number(v) : v]));
    const execute = (): D1ResultLike => {
      const prepared = db.prepare(sql);
      const bound = Object.keys(params).length > 0 ? [params] : [];
      if (prepared.reader) return { results: prepared.all(...bound) as Record<string, unknown>[], meta: {} };
      const info = prepared.run(...bound);
      return { results: [], meta: { rows_written: info.changes, changes: info.changes } };
    };
    return {
      execute,
      bind: (...next) => statement(query, next),
      all: async <T>() => execute() as D1ResultLike<T>,
      run: async <T>() => execute() as D1ResultLike<T>,
      first: async <T>(column?: string) => {
        const row = execute().results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : row[column]) as T;
      },
    };
  };
  return {
    prepare: (query) => statement(query, []),
    batch: async <T>(statements: D1StatementLike[]) =>
      db.transaction(() => statements.map((s) => (s as ReturnType<typeof statement>).execute() as D1ResultLike<T>))(),
  };
}
