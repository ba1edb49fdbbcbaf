import { describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import { badgeSvg, badgeText } from "../../site/src/lib/badge";
import { toPublicExport } from "../../site/src/lib/public-export";
import { reportsOf, surveyReport, WINDOW_DAYS } from "../../site/src/lib/report-view";
import fixtureJson from "../fixtures/report-export.json";

const fixture = fixtureJson as unknown as ReportExport;
const byId = (data: ReportExport, id: string) => data.surveys.find((s) => s.survey.id === id)!;

describe("the public view of an export", () => {
  const pub = toPublicExport(fixture);

  it("keeps only public surveys, only the `all` rows, and no comments or segment names", () => {
    expect(pub.audience).toBe("public");
    expect(pub.surveys.map((s) => s.survey.id)).toEqual(["support", "nps-nl"]);
    for (const s of pub.surveys) {
      expect(s.comments).toEqual([]);
      expect(s.survey.segments).toEqual([]);
      expect(new Set(s.rollups.map((r) => r.dimension))).toEqual(new Set(["all"]));
    }
    const text = JSON.stringify(pub);
    for (const secret of ["cust-secret-42", "<script>", "Maria Jansen", "enterprise", "onboarding-effort"]) expect(text).not.toContain(secret);
  });

  it("does not change the internal export it came from", () => {
    expect(byId(fixture, "support").comments.length).toBeGreaterThan(0);
  });
});

describe("a survey report", () => {
  const internal = reportsOf(fixture);
  const support = internal.find((r) => r.id === "support")!;

  /**
   * The expectations below are recounted here from the fixture's raw rollup rows with plain sums, not
   * with the scoring engine the view is built on. The window is 2026-08-23 to 2026-11-20 (90 days
   * ending on the export's day in Europe/London); the previous period of equal length only has data
   * from the fixture's first day, 2026-07-24, to 2026-08-22.
   */
  const allRows = (from: string, to: string) => byId(fixture, "support").rollups.filter((r) => r.dimension === "all" && r.day >= from && r.day <= to);
  const sum = (rows: readonly { counts: number[] }[], score: number) => rows.reduce((total, r) => total + r.counts[score - 1]!, 0);
  const windowRows = allRows("2026-08-23", "2026-11-20");
  const previousRows = allRows("2026-05-25", "2026-08-22");

  it("recounts to the numbers written down here (a guard on the fixture itself)", () => {
    expect(windowRows).toHaveLength(90);
    expect([1, 2, 3, 4, 5].map((score) => sum(windowRows, score))).toEqual([0, 0, 155, 781, 501]);
    expect([1, 2, 3, 4, 5].map((score) => sum(previousRows, score))).toEqual([0, 1, 92, 276, 142]);
  });

  it("computes the headline over the last 90 days: % scoring 4 or 5, with its Wilson interval", () => {
    const n = [1, 2, 3, 4, 5].reduce((total, score) => total + sum(windowRows, score), 0);
    const satisfied = sum(windowRows, 4) + sum(windowRows, 5);
    expect([n, satisfied]).toEqual([1437, 1282]);
    expect(support.window).toEqual({ from: "2026-08-23", to: "2026-11-20", days: WINDOW_DAYS });
    expect(support.headline).toMatchObject({ n: 1437, low_confidence: false, suppressed: false });
    // 1282 / 1437 = 89.2136…%
    expect(support.headline.value).toBeCloseTo((satisfied / n) * 100, 10);
    // SciPy: binomtest(1282, 1437).proportion_ci(method="wilson") = (0.8750393886882767, 0.907142435065207)
    expect(support.headline.ci?.[0]).toBeCloseTo(87.50393886882767, 9);
    expect(support.headline.ci?.[1]).toBeCloseTo(90.7142435065207, 9);
    expect(support.distribution?.map((b) => [b.score, b.count])).toEqual([
      [1, 0],
      [2, 0],
      [3, 155],
      [4, 781],
      [5, 501],
    ]);
    expect(support.distribution?.[3]?.percent).toBeCloseTo((781 / 1437) * 100, 10);
    expect(support.excluded).toBe(windowRows.reduce((total, r) => total + r.excluded, 0));
    expect(support.excluded).toBe(175);
    expect(support.comment_count).toBe(280);
    expect({ responses: support.responses, invitations: support.invitations }).toEqual({ responses: 1437, invitations: 4630 });
    // 1437 answers / 4630 invitations = 31.0367…%
    expect(support.response_rate).toBeCloseTo((1437 / 4630) * 100, 10);
  });

  it("compares with the previous 90 days, which hold the fixture's first 30 days", () => {
    // 1 + 92 + 276 + 142 = 511 answers, 276 + 142 = 418 satisfied: 81.8004…%
    expect(support.previous?.previous).toMatchObject({ n: 511, suppressed: false });
    expect(support.previous?.previous.value).toBeCloseTo((418 / 511) * 100, 10);
    // B − A = this window − the previous one = 89.2136 − 81.8004 = 7.4132 points
    expect(support.previous?.difference).toBeCloseTo((1282 / 1437 - 418 / 511) * 100, 10);
  });

  it("has a weekly trend over the whole history, a target status, annotations, segments and the A/B test", () => {
    expect(support.trend.granularity).toBe("week");
    // 2026-07-24 (a Friday) to 2026-11-20: the weeks of Monday 2026-07-20 to Monday 2026-11-16.
    expect(support.trend.points.map((p) => p.period).slice(0, 2)).toEqual(["2026-07-20", "2026-07-27"]);
    expect(support.trend.points.at(-1)?.period).toBe("2026-11-16");
    expect(support.trend.points).toHaveLength(18);
    expect(support.target).toMatchObject({ value: 90, by: "2027-03-31" });
    expect(["on_track", "off_track", "too_early"]).toContain(support.target?.verdict);
    expect(support.annotations.map((a) => a.label)).toEqual(["New webshop software released", "Support hours extended to weekends"]);
    expect(support.breakdowns.map((b) => b.dimension)).toEqual(["touchpoint", "locale", "country", "channel", "variant", "plan", "agent"]);
    expect(support.variants).toMatchObject({ a: { label: "A" }, b: { label: "B" }, test: "two_proportion_z" });
    expect(support.comments[0]!.comment).toContain("<script>");
  });

  it("flags small segments as low confidence and skips dimensions that were never set", () => {
    const ces = internal.find((r) => r.id === "onboarding-effort")!;
    expect(ces.unit).toBe("mean");
    expect(ces.breakdowns.map((b) => b.dimension)).not.toContain("variant");
    const small = ces.breakdowns.flatMap((b) => b.groups).filter((g) => g.n < 30);
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((g) => g.low_confidence && !g.suppressed && g.value !== null)).toBe(true);
    expect(ces.variants).toBeNull();
  });

  it("suppresses public cells under min_public_n and never carries internal detail", () => {
    const pub = toPublicExport(fixture);
    const nps = surveyReport(pub, byId(pub, "nps-nl"));
    const quiet = nps.trend.points.filter((p) => p.n < 10);
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.every((p) => p.suppressed && p.value === null && p.ci === null)).toBe(true);
    expect(nps.trend.points.filter((p) => p.n >= 10).every((p) => p.value !== null)).toBe(true);
    expect(nps).toMatchObject({ breakdowns: [], variants: null, comments: [], previous: null });
  });

  it("suppresses a public headline, its distribution and its badge when the window has too few answers", () => {
    const pub = toPublicExport(fixture);
    const strict = { ...byId(pub, "support"), survey: { ...byId(pub, "support").survey, min_public_n: 100_000 } };
    const report = surveyReport(pub, strict);
    expect(report.headline).toMatchObject({ value: null, ci: null, suppressed: true });
    expect(report.distribution).toBeNull();
    expect(report.nps_split).toBeNull();
    expect(badgeText(report)).toEqual({ label: "CSAT", message: "not enough answers" });
  });

  it("says no answers yet for a survey without rollups", () => {
    const empty = surveyReport(fixture, { ...byId(fixture, "support"), rollups: [], comments: [], annotations: [] });
    expect(empty.headline).toMatchObject({ value: null, n: 0, suppressed: false });
    expect(empty.trend.points.every((p) => p.value === null)).toBe(true);
    expect(empty.response_rate).toBeNull();
  });
});

describe("the badge", () => {
  it("reads like 'CSAT 92% · 1,204 answers · 90 days' in en-US whatever the survey's locale, with an escaped title", () => {
    const [support, nps] = reportsOf(toPublicExport(fixture));
    // 1282 / 1437 = 89.2% satisfied.
    expect(badgeText(support!)).toEqual({ label: "CSAT", message: "89% · 1,437 answers · 90 days" });
    // nps-nl over the same window: 303 promoters (9–10) and 152 detractors (0–6) of 780, (303 − 152) / 780 = 19.4, a whole number without a plus.
    expect(badgeText(nps!)).toEqual({ label: "NPS", message: "19 · 780 answers · 90 days" });
    const svg = badgeSvg({ ...support!, name: `Support <&> "team"` });
    expect(svg).toContain("<title id=\"t\">Support &#60;&#38;&#62; &#34;team&#34;: CSAT");
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
  });
});
