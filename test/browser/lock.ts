import { mkdirSync, rmSync, statSync } from "node:fs";

/**
 * Runs `work` while holding a lock directory, so test files running side by side (and concurrent
 * test runs on one machine) take turns at something they cannot share. A lock older than `staleMs`
 * was left by a run that died and is taken over.
 */
export async function withLock<T>(dir: string, work: () => Promise<T>, { staleMs, waitMs }: { staleMs: number; waitMs: number }): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const age = Date.now() - (statSync(dir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > staleMs) rmSync(dir, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`${dir} is still held after ${Math.round(waitMs / 1000)} s`);
    else await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await work();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
