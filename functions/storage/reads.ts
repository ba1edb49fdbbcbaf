/**
 * Reads that may be a little stale (metrics, the report export, resolving a link) go through a D1
 * session started "first-unconstrained": D1 may answer them from the read replica nearest the Worker
 * when the database has replication on, and from the primary otherwise, so nothing changes without it.
 * Writes stay on env.DB, the primary. A storage function that only reads takes D1Reads, which the
 * database and a session both are.
 */
export type D1Reads = Pick<D1Database, "prepare" | "batch">;

export const staleReads = (db: D1Database): D1Reads => db.withSession("first-unconstrained");
