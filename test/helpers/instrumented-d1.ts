/**
 * A real D1 binding with two test-only powers: it counts the statements it runs, its round trips and
 * the rows D1 says they read and wrote, and it can fail the k-th statement. A failure inside a batch
 * replaces that statement with one that errors in D1 itself, so D1 rolls the whole batch back exactly as it would on a crash; a
 * failure outside a batch throws before the statement reaches D1. Nothing about D1 is imitated.
 */
export interface D1Counters {
  statements: number;
  /** Trips to D1: one per batch, one per statement run alone. */
  roundTrips: number;
  rowsRead: number;
  rowsWritten: number;
}

export class InjectedFailure extends Error {}

export class InstrumentedD1 {
  readonly counters: D1Counters = { statements: 0, roundTrips: 0, rowsRead: 0, rowsWritten: 0 };
  /** The constraint of every session the code under test started, in order. */
  readonly sessions: string[] = [];
  /** Every statement prepared in those sessions, as SQL. */
  readonly sessionQueries: string[] = [];
  private readonly real = new WeakMap<object, D1PreparedStatement>();

  constructor(
    private readonly db: D1Database,
    /** 1-based number of the statement that fails; 0 never fails. */
    private readonly failAt = 0,
  ) {}

  /** The binding to hand to the code under test. */
  get binding(): D1Database {
    return {
      prepare: (query: string) => this.wrap(this.db.prepare(query)),
      batch: <T>(statements: D1PreparedStatement[]) => this.batch<T>(statements),
      exec: (query: string) => this.db.exec(query),
      // A session's statements are counted and failed like the database's; the constraint is kept for tests.
      withSession: (constraint?: string) => {
        this.sessions.push(constraint ?? "first-unconstrained");
        return {
          prepare: (query: string) => {
            this.sessionQueries.push(query);
            return this.wrap(this.db.prepare(query));
          },
          batch: <T>(statements: D1PreparedStatement[]) => this.batch<T>(statements),
          getBookmark: () => null,
        } as D1DatabaseSession;
      },
      dump: () => this.db.dump(),
    } as D1Database;
  }

  /** True once the failure has been injected. */
  get failed(): boolean {
    return this.failAt > 0 && this.counters.statements >= this.failAt;
  }

  private next(): boolean {
    this.counters.statements++;
    return this.counters.statements === this.failAt;
  }

  private meter(meta: D1Meta | undefined): void {
    this.counters.rowsRead += meta?.rows_read ?? 0;
    this.counters.rowsWritten += meta?.rows_written ?? 0;
  }

  private wrap(statement: D1PreparedStatement): D1PreparedStatement {
    const run = async <T>(): Promise<D1Result<T>> => {
      this.counters.roundTrips++;
      if (this.next()) throw new InjectedFailure(`injected failure at statement ${this.counters.statements}`);
      const result = await statement.all<T>();
      this.meter(result.meta);
      return result;
    };
    const wrapped = {
      bind: (...values: unknown[]) => this.wrap(statement.bind(...values)),
      all: run,
      run,
      // first() has no meta, so it runs as all() and answers the first row.
      first: async <T>(column?: string): Promise<T | null> => {
        const row = (await run<Record<string, unknown>>()).results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : row[column]) as T;
      },
      raw: () => {
        throw new Error("InstrumentedD1: raw() is not metered");
      },
    };
    this.real.set(wrapped, statement);
    return wrapped as unknown as D1PreparedStatement;
  }

  private async batch<T>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    this.counters.roundTrips++;
    const real = statements.map((statement) => {
      const unwrapped = this.real.get(statement);
      if (!unwrapped) throw new Error("InstrumentedD1: batch got a statement it did not prepare");
      return this.next() ? this.db.prepare("SELECT injected_failure FROM injected_failure_table") : unwrapped;
    });
    const results = await this.db.batch<T>(real);
    for (const result of results) this.meter(result.meta);
    return results;
  }
}
