import { applyD1Migrations, env } from "cloudflare:test";

// Every test file starts from the same real database: every file in migrations/ applied to the local D1.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
