import { defineConfig } from "vitest/config";

// The unit tests of the pure modules, in plain Node, for `npm run mutation` (stryker.config.json).
// Stryker's vitest runner cannot drive the workerd pool, and these suites need none of it: none imports
// "cloudflare:test", and Web Crypto is globalThis.crypto in Node 24. Not part of `npm test`, which runs
// the same files inside workerd (vitest.config.ts).
export default defineConfig({
  test: {
    name: "mutation",
    environment: "node",
    setupFiles: ["./test/mutation/setup.ts"],
    // The suites of the mutated modules ("<module>*.test.ts" takes their extra files too) and those that
    // exercise them on the way (ingest-rule, simulation, email-snippet, payloads).
    include: [
      "test/scoring/**/*.test.ts",
      "test/counting/counting-rule*.test.ts",
      "test/counting/request-signals*.test.ts",
      "test/counting/ingest-rule.test.ts",
      "test/counting/simulation.test.ts",
      "test/links/token*.test.ts",
      "test/links/email-snippet.test.ts",
      "test/rollups/days*.test.ts",
      "test/rollups/buckets*.test.ts",
      "test/security/webhook-url*.test.ts",
      "test/webhooks/payloads.test.ts",
      "test/webhooks/retry*.test.ts",
    ],
  },
});
