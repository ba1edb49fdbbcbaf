/**
 * The part of a D1 binding the bench touches, typed for Node (scripts are checked with Node's types,
 * not Workers'). getPlatformProxy's D1, the metered wrapper and the SQLite adapter all fit it.
 */
export interface D1MetaLike {
  rows_read?: number;
  rows_written?: number;
  changes?: number;
}
export interface D1ResultLike<T = Record<string, unknown>> {
  results: T[];
  meta: D1MetaLike;
  success?: boolean;
}
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
  run<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
  first<T = unknown>(column?: string): Promise<T | null>;
}
export interface D1Like {
  prepare(query: string): D1StatementLike;
  batch<T = Record<string, unknown>>(statements: D1StatementLike[]): Promise<D1ResultLike<T>[]>;
}
