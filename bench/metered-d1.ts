import type { D1Like, D1MetaLike, D1ResultLike, D1StatementLike } from "./d1-like.ts";

/**
 * Sums what D1 reports for every statement run through it (meta.rows_read and meta.rows_written), and
 * counts round trips: one per batch, one per lone statement.
 */
export class MeteredD1 {
  rowsRead = 0;
  rowsWritten = 0;
  statements = 0;
  roundTrips = 0;
  private readonly real = new WeakMap<object, D1StatementLike>();

  private readonly db: D1Like;

  constructor(db: D1Like) {
    this.db = db;
  }

  reset(): void {
    this.rowsRead = this.rowsWritten = this.statements = this.roundTrips = 0;
  }

  get binding(): D1Like {
    return {
      prepare: (query) => this.wrap(this.db.prepare(query)),
      batch: async <T>(statements: D1StatementLike[]) => {
        this.roundTrips++;
        const results = await this.db.batch<T>(statements.map((s) => this.real.get(s) ?? s));
        for (const result of results) this.meter(result.meta);
        return results;
      },
    };
  }

  private meter(meta: D1MetaLike | undefined): void {
    this.statements++;
    this.rowsRead += meta?.rows_read ?? 0;
    this.rowsWritten += meta?.rows_written ?? 0;
  }

  private wrap(statement: D1StatementLike): D1StatementLike {
    const run = async <T>(): Promise<D1ResultLike<T>> => {
      this.roundTrips++;
      const result = await statement.all<T>();
      this.meter(result.meta);
      return result;
    };
    const wrapped: D1StatementLike = {
      bind: (...values) => this.wrap(statement.bind(...values)),
      all: run,
      run,
      // first() reports no meta, so it runs as all().
      first: async <T>(column?: string) => {
        const row = (await run<Record<string, unknown>>()).results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : row[column]) as T;
      },
    };
    this.real.set(wrapped, statement);
    return wrapped;
  }
}
