/**
 * Production report pages are static: fresh numbers reach them by rebuilding after a rollup.
 * DEPLOY_HOOK_URL (a Pages deploy hook or a CI trigger URL) is an optional secret; `wrangler types`
 * can only declare required ones, so it is typed here rather than in the generated Env.
 */
export interface DeployHookEnv {
  DEPLOY_HOOK_URL?: string;
}

export interface RollupOutcome {
  buckets: number;
}

/** POSTs the deploy hook when the rollup changed something; answers whether a rebuild was asked for. */
export async function refreshReports(env: DeployHookEnv, outcome: RollupOutcome, send: typeof fetch = fetch): Promise<boolean> {
  const url = env.DEPLOY_HOOK_URL?.trim();
  if (!url || outcome.buckets === 0) return false;
  try {
    const response = await send(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Tapscore" },
      body: JSON.stringify({ reason: "rollup", buckets: outcome.buckets }),
    });
    // The URL carries its own credential: log the status only.
    if (!response.ok) console.warn("deploy hook answered", response.status);
    return response.ok;
  } catch (error) {
    console.warn("deploy hook unreachable", error instanceof Error ? error.name : typeof error);
    return false;
  }
}
