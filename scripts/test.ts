/**
 * `npm test`: builds the report site and checks the code side by side (each mostly one core, and the
 * suites need both), then runs every Vitest project. Each step's output is printed whole when it ends,
 * so the two do not interleave; a failure stops the run with its output.
 */
import { spawn } from "node:child_process";
import { run } from "./lib/run.ts";

interface Outcome {
  script: string;
  code: number | null;
  output: string;
  seconds: number;
}

function npmRun(script: string): Promise<Outcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk));
    child.on("error", (error) => resolve({ script, code: null, output: `${output}${error.message}\n`, seconds: 0 }));
    child.on("exit", (code) => resolve({ script, code, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const outcomes = await Promise.all([npmRun("build"), npmRun("check")]);
for (const { script, code, output, seconds } of outcomes) {
  console.log(`── npm run ${script}: ${code === 0 ? "passed" : "FAILED"} in ${seconds} s ──`);
  if (code !== 0) process.stdout.write(output);
}
if (outcomes.some(({ code }) => code !== 0)) process.exit(1);

try {
  // npm puts node_modules/.bin first on the PATH of its scripts.
  await run("vitest", ["run", ...process.argv.slice(2)]);
} catch {
  process.exit(1);
}
