import { describe, expect, it } from "vitest";
import { refreshReports } from "../../functions/reports/deploy-hook";

function recorder(status = 200) {
  const calls: { url: string; body: string }[] = [];
  const send = (async (url: string, init?: RequestInit) => {
    calls.push({ url, body: String(init?.body) });
    return new Response(null, { status });
  }) as typeof fetch;
  return { calls, send };
}

describe("refreshing the report pages after a rollup", () => {
  it("posts the deploy hook when buckets changed", async () => {
    const { calls, send } = recorder();
    expect(await refreshReports({ DEPLOY_HOOK_URL: "https://hooks.example/deploy/abc" }, { buckets: 3 }, send)).toBe(true);
    expect(calls).toEqual([{ url: "https://hooks.example/deploy/abc", body: JSON.stringify({ reason: "rollup", buckets: 3 }) }]);
  });

  it("stays quiet when nothing changed or no hook is configured", async () => {
    const { calls, send } = recorder();
    expect(await refreshReports({ DEPLOY_HOOK_URL: "https://hooks.example/x" }, { buckets: 0 }, send)).toBe(false);
    expect(await refreshReports({}, { buckets: 5 }, send)).toBe(false);
    expect(await refreshReports({ DEPLOY_HOOK_URL: "  " }, { buckets: 5 }, send)).toBe(false);
    expect(calls).toEqual([]);
  });

  it("reports a failing hook without throwing", async () => {
    const { send } = recorder(500);
    expect(await refreshReports({ DEPLOY_HOOK_URL: "https://hooks.example/x" }, { buckets: 1 }, send)).toBe(false);
    const unreachable = (async () => {
      throw new TypeError("network");
    }) as typeof fetch;
    expect(await refreshReports({ DEPLOY_HOOK_URL: "https://hooks.example/x" }, { buckets: 1 }, unreachable)).toBe(false);
  });
});
