import { globSync, readFileSync } from "node:fs";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/**
 * Suites of pure modules: they use nothing of the Worker's bindings, its entry point or the helpers
 * that do, so they need no database set up before them (test/setup.ts).
 */
const WORKER_SUITES = "test/**/*.test.ts";
const OUTSIDE_WORKERD = ["test/browser/**", "test/node/**"];
const pureSuites = globSync(WORKER_SUITES, { exclude: OUTSIDE_WORKERD }).filter(
  (file) => !/cloudflare:test|\/helpers\/|functions\/index|\bSELF\b/.test(readFileSync(file, "utf8")),
);

// Four projects: the Worker suites run inside workerd against a real local D1 (every migration applied
// by test/setup.ts), the pure ones among them without it; the node suites check the code
// itself; the browser suites run in Node and drive a Chromium (test/browser/find-browser.ts) against
// `wrangler dev` and `npm start`.
export default defineConfig(async () => {
  // The same files, order and statement splitting as `wrangler d1 migrations apply`.
  const migrations = await readD1Migrations({ projectPath: ".", migrationsDir: "migrations" });
  // schema.sql as one pseudo-migration, split by the same splitter (it is full of comments).
  const schema = await readD1Migrations({ projectPath: ".", migrationsDir: ".", migrationsPattern: "schema.sql" });
  const workers = cloudflareTest({
    wrangler: { configPath: "./wrangler.toml" },
    miniflare: {
      bindings: {
        TEST_MIGRATIONS: migrations,
        TEST_SCHEMA_SQL: schema,
        ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
        LINK_SECRET: "test-link-secret-0123456789abcdef",
        SESSION_SECRET: "test-session-secret-0123456789abcdef",
        ENVIRONMENT: "development",
      },
      // Empty databases for test/migrations/: one built from schema.sql, the others from migrations.
      d1Databases: ["TEST_SCHEMA_DB", "TEST_MIGRATED_DB", "TEST_UPGRADED_DB"],
      // The suites make hundreds of calls a minute with one admin token; the real limits are
      // lifted here and proven in test/http/rate-limit.test.ts with the tight TEST_LIMITER.
      ratelimits: {
        RESPONDENT_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
        API_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
        // Lifted too: the gate's suites and the fuzzer sign in wrongly from one address; the sign-in
        // limit is proven in test/internal/gate.test.ts with TEST_LIMITER in its place.
        SIGNIN_LIMITER: { namespace_id: "1003", simple: { limit: 1_000_000, period: 60 } },
        TEST_LIMITER: { namespace_id: "1999", simple: { limit: 3, period: 60 } },
      },
    },
  });
  return {
    test: {
      // Vitest's default on a 2-core machine is one file at a time. The browser suites mostly wait (for
      // wrangler to start, for cron ticks), so three at a time lets the worker suites use that time.
      maxWorkers: 3,
      projects: [
        {
          plugins: [
            workers,
          ],
          test: {
            name: "worker",
            include: [WORKER_SUITES],
            // One runtime for the files one after another, not a fresh one per file (about 2.5 s each, more
            // than most files take: the whole project went from about 5 minutes to 75 s). test/setup.ts
            // gives every file empty databases with the migrations applied, and the real clock.
            isolate: false,
            // The seeded simulations take seconds each, more on a loaded 2-core machine running three files at once.
            testTimeout: 20_000,
            exclude: [...OUTSIDE_WORKERD, ...pureSuites],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          plugins: [workers],
          test: { name: "pure", include: pureSuites, isolate: false, testTimeout: 20_000 },
        },
        {
          // Node-side checks of the code itself (the house's layers).
          test: { name: "node", include: ["test/node/**/*.test.ts"], environment: "node" },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
            hookTimeout: 120_000,
            // Each file starts its own wrangler dev on a free port with its own state, so files may run side by side.
          },
        },
      ],
    },
  };
});
