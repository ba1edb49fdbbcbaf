import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import { runRollups } from "../../functions/rollups/job";
import { api } from "../helpers/api";
import { createSurvey, invite, nonceOf, postForm, visit } from "../helpers/respondent";

beforeAll(async () => {
  await createSurvey("export-public", { public: true, segments: ["agent"] });
  await createSurvey("export-private");
  const { invitations } = await invite("export-public", [
    { recipient: "secret-recipient-1", properties: { agent: "ana" } },
    { recipient: "secret-recipient-2", properties: { agent: "bo" } },
  ]);
  for (const [index, invitation] of invitations.entries()) {
    const page = await visit(invitation.links[index === 0 ? "5" : "1"]!);
    await postForm(invitation.url, { action: "comment", score: index === 0 ? "5" : "1", comment: `comment ${index} <b>`, nonce: nonceOf(await page.text()) });
  }
  await api("POST", "/api/v1/surveys/export-public/annotations", { body: { at: "2026-11-01", label: "Launch" } });
  // Response changes are rolled up once a minute old, so run the tick as if a minute had passed.
  await runRollups(env.DB, { now: Date.now() + 120_000 });
});

async function exported(audience: string): Promise<ReportExport> {
  const response = await api("GET", `/api/v1/reports/export?audience=${audience}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReportExport;
}

describe("the report export", () => {
  it("gives internal builds every survey, every segment and the latest comments, worst first", async () => {
    const data = await exported("internal");
    const ids = data.surveys.map((s) => s.survey.id);
    expect(ids).toEqual(expect.arrayContaining(["export-public", "export-private"]));
    const report = data.surveys.find((s) => s.survey.id === "export-public")!;
    expect(new Set(report.rollups.map((r) => r.dimension))).toContain("agent");
    expect(report.rollups.some((r) => r.dimension === "agent" && r.value === "ana")).toBe(true);
    const all = report.rollups.filter((r) => r.dimension === "all");
    expect(all.reduce((n, r) => n + r.counts.reduce((a, b) => a + b, 0), 0)).toBe(2);
    expect(report.comments.map((c) => c.score)).toEqual([1, 5]);
    expect(report.comments[0]!.comment).toBe("comment 1 <b>");
    expect(report.annotations).toEqual([{ at: expect.stringMatching(/^2026-11-01T/), label: "Launch" }]);
  });

  it("gives public builds only public surveys, overall rows and no comments or recipients", async () => {
    const data = await exported("public");
    expect(data.surveys.map((s) => s.survey.id)).not.toContain("export-private");
    const report = data.surveys.find((s) => s.survey.id === "export-public")!;
    expect(report.rollups.every((r) => r.dimension === "all")).toBe(true);
    expect(report.comments).toEqual([]);
    const text = JSON.stringify(data);
    expect(text).not.toContain("secret-recipient");
    expect(text).not.toContain("comment 0");
  });

  it("says where the pages live and whether a deploy hook rebuilds them", async () => {
    // The tests' Worker has no PUBLIC_URL and no DEPLOY_HOOK_URL: the origin the export was asked at, and no hook.
    for (const audience of ["internal", "public"]) {
      const data = await exported(audience);
      expect({ public_url: data.public_url, deploy_hook: data.deploy_hook }).toEqual({ public_url: "http://tapscore.test", deploy_hook: false });
    }
  });

  it("refuses an unknown audience", async () => {
    expect((await api("GET", "/api/v1/reports/export?audience=everyone")).status).toBe(400);
  });
});
