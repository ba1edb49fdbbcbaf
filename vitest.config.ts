import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Two projects: the Worker suites run inside workerd against a real local D1 (schema applied by
// test/setup.ts); the browser suites run in Node and drive Debian's Chromium against `wrangler dev`.
export default defineConfig(async () => {
  const schema = await readD1Migrations({ projectPath: ".", migrationsDir: ".", migrationsPattern: "schema.sql" });
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_SCHEMA: schema,
                  ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
                  LINK_SECRET: "test-link-secret-0123456789abcdef",
                  SESSION_SECRET: "test-session-secret-0123456789abcdef",
                },
                // The suites make hundreds of calls a minute with one admin token; the real limits are
                // lifted here and proven in test/http/rate-limit.test.ts with the tight TEST_LIMITER.
                ratelimits: {
                  RESPONDENT_LIMITER: { namespace_id: "1001", simple: { limit: 1_000_000, period: 60 } },
                  API_LIMITER: { namespace_id: "1002", simple: { limit: 1_000_000, period: 60 } },
                  TEST_LIMITER: { namespace_id: "1999", simple: { limit: 3, period: 60 } },
                },
              },
            }),
          ],
          test: {
            name: "worker",
            include: ["test/**/*.test.ts"],
            exclude: ["test/browser/**"],
            setupFiles: ["./test/setup.ts"],
          },
        },
        {
          test: {
            name: "browser",
            include: ["test/browser/**/*.test.ts"],
            environment: "node",
            testTimeout: 60_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
