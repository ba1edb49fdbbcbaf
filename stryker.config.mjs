// @ts-check
// Stryker's configuration for one group of test/mutation/groups.json (MUTATION_GROUP), run by
// `npm run mutation` (scripts/mutation.ts), which adds the groups up. Not part of npm test.
import { readFileSync } from "node:fs";

const groups = JSON.parse(readFileSync("test/mutation/groups.json", "utf8"));
const name = process.env.MUTATION_GROUP ?? "";
const group = groups[name];
if (!name || typeof group !== "object") throw new Error(`MUTATION_GROUP must name a group of test/mutation/groups.json, not "${name}"`);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.mutation.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: group.mutate,
  ignorePatterns: ["site/dist", "site/.astro", ".wrangler", "bench/tmp", "reports", "test/browser"],
  coverageAnalysis: "perTest",
  concurrency: 2,
  timeoutMS: 10000,
  timeoutFactor: 2,
  reporters: ["progress-append-only", "json", "html"],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  // The 85% bar is the whole run's (scripts/mutation.ts), not each group's.
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
