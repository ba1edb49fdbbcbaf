/**
 * `npm run mutation`: mutation testing of the pure modules (docs/mutation-testing.md). Runs Stryker once
 * per group of test/mutation/groups.json, one after the other, then adds the groups' reports up into
 * one score per module and in all, written to reports/mutation/summary.json. Exits 1 below 85%.
 *
 *   npm run mutation              every group
 *   npm run mutation -- links     only the groups named
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "./lib/run.ts";

const BAR = 85;
const REPORTS = "reports/mutation";

type Groups = Record<string, { mutate: string[]; tests: string[] } | string>;
const groups = Object.keys(JSON.parse(readFileSync("test/mutation/groups.json", "utf8")) as Groups).filter((name) => name !== "//");
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !groups.includes(name));
if (unknown.length > 0) {
  console.error(`No such group: ${unknown.join(", ")}. Groups: ${groups.join(", ")}.`);
  process.exit(2);
}

interface Report {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Stryker's mutation score: detected (killed, timed out) over detected and undetected (survived, no coverage). */
interface Tally {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  invalid: number;
}

const emptyTally = (): Tally => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0, invalid: 0 });

function add(tally: Tally, status: string): void {
  if (status === "Killed") tally.killed++;
  else if (status === "Timeout") tally.timeout++;
  else if (status === "Survived") tally.survived++;
  else if (status === "NoCoverage") tally.noCoverage++;
  else tally.invalid++;
}

const score = (t: Tally): number => {
  const detected = t.killed + t.timeout;
  const counted = detected + t.survived + t.noCoverage;
  return counted === 0 ? 100 : (100 * detected) / counted;
};

const started = Date.now();
for (const group of chosen.length > 0 ? chosen : groups) {
  console.log(`\n── mutation group ${group} ──`);
  await run("npx", ["stryker", "run", "stryker.config.mjs"], { env: { ...process.env, MUTATION_GROUP: group } });
}
const minutes = (Date.now() - started) / 60_000;

const perFile = new Map<string, Tally>();
const total = emptyTally();
for (const group of groups) {
  const path = join(REPORTS, `${group}.json`);
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, "utf8")) as Report;
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const tally = perFile.get(file) ?? emptyTally();
    for (const mutant of mutants) {
      add(tally, mutant.status);
      add(total, mutant.status);
    }
    perFile.set(file, tally);
  }
}

const rows = [...perFile.entries()].sort(([a], [b]) => a.localeCompare(b));
console.log("\n| module | score | killed | timed out | survived | no coverage |\n| --- | --- | --- | --- | --- | --- |");
for (const [file, t] of rows) console.log(`| ${file} | ${score(t).toFixed(1)}% | ${t.killed} | ${t.timeout} | ${t.survived} | ${t.noCoverage} |`);
console.log(`| all | ${score(total).toFixed(1)}% | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} |`);
console.log(`\n${minutes.toFixed(1)} minutes; ${total.invalid} mutants did not compile or could not run and are left out.`);

mkdirSync(REPORTS, { recursive: true });
writeFileSync(
  join(REPORTS, "summary.json"),
  JSON.stringify({ minutes, score: score(total), total, files: Object.fromEntries(rows.map(([f, t]) => [f, { score: score(t), ...t }])) }, null, 2),
);
if (score(total) < BAR) {
  console.error(`Mutation score ${score(total).toFixed(1)}% is below ${BAR}%.`);
  process.exit(1);
}
