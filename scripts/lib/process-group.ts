import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/**
 * A child in its own process group, so that stopping it also stops whatever it started (wrangler's
 * workerd and esbuild, astro's workers). It does not get the terminal's Ctrl+C directly: the parent
 * decides when and how it stops.
 */
export function spawnGroup(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(command, args, { ...options, detached: true });
}

/**
 * Whether a process of the group still runs. Zombies do not count: an orphaned workerd is reaped by
 * init, which in some containers takes seconds, yet it holds no port or file any more. Linux answers
 * from /proc; elsewhere a signal 0 to the group does (zombies included, but reaped at once there).
 */
export function groupAlive(pgid: number): boolean {
  if (existsSync("/proc/self/stat")) {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue; // gone meanwhile
      }
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split after the last ")".
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

const signalGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
};

/**
 * Stops the child's whole group: SIGTERM (wrangler then disposes workerd itself), SIGKILL after
 * `graceMs` for whatever is left. Resolves once no process of the group remains, so nothing
 * (a workerd holding the port or the local D1) outlives the caller.
 */
export async function stopGroup(child: ChildProcess, graceMs = 5_000): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined || !groupAlive(pgid)) return;
  signalGroup(pgid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (!groupAlive(pgid)) return;
  signalGroup(pgid, "SIGKILL");
  const killDeadline = Date.now() + 2_000;
  while (groupAlive(pgid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
}
