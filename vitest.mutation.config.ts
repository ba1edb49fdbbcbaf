import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

// The unit tests of the pure modules, in plain Node, for `npm run mutation` (scripts/mutation.ts).
// Stryker's vitest runner cannot drive the workerd pool, and these suites need none of it: none imports
// "cloudflare:test", and Web Crypto is globalThis.crypto in Node 24. Not part of `npm test`, which runs
// the same files inside workerd (vitest.config.ts). MUTATION_GROUP picks one group's suites
// (test/mutation/groups.json); without it, every group's.
type Groups = Record<string, { mutate: string[]; tests: string[]; skip?: string[] } | string>;
const groups = Object.entries(JSON.parse(readFileSync("test/mutation/groups.json", "utf8")) as Groups).flatMap(([name, group]) =>
  typeof group === "string" ? [] : [{ name, ...group }],
);
const chosen = process.env.MUTATION_GROUP;
const picked = groups.filter((g) => !chosen || g.name === chosen);
const include = [...new Set(picked.flatMap((g) => g.tests))];
const exclude = [...new Set(picked.flatMap((g) => g.skip ?? []))];
if (include.length === 0) throw new Error(`MUTATION_GROUP=${chosen ?? ""} names no group of test/mutation/groups.json`);

export default defineConfig({
  test: {
    name: "mutation",
    environment: "node",
    setupFiles: ["./test/mutation/setup.ts"],
    include,
    exclude,
  },
});
