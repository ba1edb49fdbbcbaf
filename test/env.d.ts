import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      /** migrations/*.sql, in order, split into statements (vitest.config.ts). */
      TEST_MIGRATIONS: D1Migration[];
      /** schema.sql as a single entry, split into statements. */
      TEST_SCHEMA_SQL: D1Migration[];
      /** Empty D1 databases for test/migrations/ (vitest.config.ts). */
      TEST_SCHEMA_DB: D1Database;
      TEST_MIGRATED_DB: D1Database;
      TEST_UPGRADED_DB: D1Database;
      /** A rate limiter of 3 requests a minute, to reach 429 quickly (vitest.config.ts). */
      TEST_LIMITER: RateLimit;
    }
  }
}
