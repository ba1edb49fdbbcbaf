/**
 * `npm run db:migrate:local` / `db:migrate:remote`: applies migrations/ to the D1 database with
 * `wrangler d1 migrations apply`, first baselining a database made before migrations existed, so an
 * installed Tapscore upgrades in place and keeps its data. Safe to re-run: nothing is applied twice.
 *
 *   node --experimental-transform-types scripts/migrate.ts --local [--persist-to DIR]
 *   node --experimental-transform-types scripts/migrate.ts --remote
 */
import { parseArgs } from "node:util";
import { migrate, type MigrateOptions } from "./lib/migrations.ts";

const USAGE = "Say where: scripts/migrate.ts --local [--persist-to DIR] or --remote.";

function options(): MigrateOptions {
  const { values } = parseArgs({
    options: { local: { type: "boolean" }, remote: { type: "boolean" }, "persist-to": { type: "string" } },
  });
  // Never a default: applying to production by accident, or not at all, must not happen quietly.
  if (values.local === values.remote) throw new Error(USAGE);
  const persistTo = values["persist-to"];
  return { target: values.local ? "local" : "remote", ...(persistTo === undefined ? {} : { persistTo }) };
}

try {
  await migrate(options());
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
