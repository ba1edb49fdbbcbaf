import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Worker suites run inside workerd against a real local D1; the schema is applied by test/setup.ts.
export default defineConfig(async () => {
  const schema = await readD1Migrations({ projectPath: ".", migrationsDir: ".", migrationsPattern: "schema.sql" });
  return {
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
        },
      }),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/browser/**", "test/site/**"],
      setupFiles: ["./test/setup.ts"],
    },
  };
});
