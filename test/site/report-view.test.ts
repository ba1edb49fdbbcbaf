import { describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import { badgeEmbed, badgeSvg, badgeText, embedOrigin } from "../../site/src/lib/badge";
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
    expect(support.window).toMatchObject({ range: "90", from: "2026-08-23", to: "2026-11-20", days: WINDOW_DAYS });
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

  it("compares with the previous 90 days, which hold the fixture's first 30 days, and says so", () => {
    expect(support.previous).toMatchObject({ from: "2026-05-25", to: "2026-08-22", coverage: { first: "2026-07-24", covered: 30, days: 90 } });
    expect(support.window.coverage).toEqual({ first: "2026-07-24", covered: 90, days: 90 });
    // 1 + 92 + 276 + 142 = 511 answers, 276 + 142 = 418 satisfied: 81.8004…%
    expect(support.previous?.previous).toMatchObject({ n: 511, suppressed: false });
    expect(support.previous?.previous.value).toBeCloseTo((418 / 511) * 100, 10);
    // B − A = this window − the previous one = 89.2136 − 81.8004 = 7.4132 points
    expect(support.previous?.difference).toBeCloseTo((1282 / 1437 - 418 / 511) * 100, 10);
  });

  it("has a weekly trend over the window's whole weeks, a target status, annotations, segments and the A/B test", () => {
    expect(support.trend.granularity).toBe("week");
    // The window starts on Sunday 2026-08-23: the trend from that week's Monday, 2026-08-17, to Monday 2026-11-16's week.
    expect(support.trend).toMatchObject({ from: "2026-08-17", to: "2026-11-20" });
    expect(support.trend.points.map((p) => p.period).slice(0, 2)).toEqual(["2026-08-17", "2026-08-24"]);
    expect(support.trend.points.at(-1)?.period).toBe("2026-11-16");
    expect(support.trend.points).toHaveLength(14);
    expect(support.target).toMatchObject({ value: 90, by: "2027-03-31" });
    expect(["on_track", "off_track", "too_early"]).toContain(support.target?.verdict);
    expect(support.annotations.map((a) => a.label)).toEqual(["New webshop software released", "Support hours extended to weekends"]);
    expect(support.breakdowns.map((b) => b.dimension)).toEqual(["touchpoint", "locale", "country", "channel", "variant", "plan", "agent"]);
    expect(support.variants).toMatchObject({ a: { label: "A" }, b: { label: "B" }, test: "two_proportion_z" });
    expect(support.comments[0]!.comment).toContain("<script>");
  });

  it("builds the 30-day range: daily, compared with the 30 days before", () => {
    const month = surveyReport(fixture, byId(fixture, "support"), "30");
    const rows = allRows("2026-10-22", "2026-11-20");
    const n = rows.reduce((total, r) => total + r.counts.reduce((a, b) => a + b, 0), 0);
    expect(month.window).toEqual({ range: "30", from: "2026-10-22", to: "2026-11-20", days: 30, coverage: { first: "2026-07-24", covered: 30, days: 30 } });
    expect(month.headline.n).toBe(n);
    expect(month.trend).toMatchObject({ granularity: "day", from: "2026-10-22", to: "2026-11-20" });
    expect(month.trend.points).toHaveLength(30);
    expect(month.previous).toMatchObject({ from: "2026-09-22", to: "2026-10-21", coverage: { covered: 30, days: 30 } });
  });

  it("builds the 365-day range: monthly from the first answer, the window and the previous year only partly covered", () => {
    const year = surveyReport(fixture, byId(fixture, "support"), "365");
    expect(year.window).toEqual({ range: "365", from: "2025-11-21", to: "2026-11-20", days: 365, coverage: { first: "2026-07-24", covered: 120, days: 365 } });
    // Every answer of the fixture's 120 days.
    expect(year.headline.n).toBe(1437 + 511);
    expect(year.trend).toMatchObject({ granularity: "month", from: "2026-07-24", to: "2026-11-20" });
    expect(year.trend.points.map((p) => p.period)).toEqual(["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]);
    expect(year.previous).toMatchObject({ from: "2024-11-21", to: "2025-11-20", coverage: { covered: 0, days: 365 }, previous: { n: 0, value: null } });
  });

  it("builds the range since the start: from the first answer, weekly, with nothing to compare with", () => {
    const all = surveyReport(fixture, byId(fixture, "support"), "all");
    expect(all.window).toEqual({ range: "all", from: "2026-07-24", to: "2026-11-20", days: 120, coverage: { first: "2026-07-24", covered: 120, days: 120 } });
    expect(all.headline.n).toBe(1437 + 511);
    // 2026-07-24 (a Friday) to 2026-11-20: the weeks of Monday 2026-07-20 (from the Friday on) to Monday 2026-11-16.
    expect(all.trend.points.map((p) => p.period).slice(0, 2)).toEqual(["2026-07-20", "2026-07-27"]);
    expect(all.trend.points[0]).toMatchObject({ from: "2026-07-24", to: "2026-07-26" });
    expect(all.trend.points).toHaveLength(18);
    expect(all.previous).toBeNull();
  });

  it("shows the comments of the range's days only", () => {
    const survey = byId(fixture, "support");
    const old = { id: "r-old", score: 2, comment: "From September", created_at: "2026-09-10T10:00:00.000Z", properties: {} };
    const withOld = { ...survey, comments: [...survey.comments, old] };
    expect(surveyReport(fixture, withOld, "90").comments.map((c) => c.id)).toEqual(["r-0001", "r-0002", "r-0003", "r-0004", "r-old"]);
    expect(surveyReport(fixture, withOld, "30").comments.map((c) => c.id)).toEqual(["r-0001", "r-0002", "r-0003", "r-0004"]);
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
    // Since the start: the quiet pilot's weeks lie before the last 90 days.
    const nps = surveyReport(pub, byId(pub, "nps-nl"), "all");
    const quiet = nps.trend.points.filter((p) => p.n < 10);
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.every((p) => p.suppressed && p.value === null && p.ci === null)).toBe(true);
    expect(nps.trend.points.filter((p) => p.n >= 10).every((p) => p.value !== null)).toBe(true);
    expect(nps).toMatchObject({ breakdowns: [], variants: null, comments: [], previous: null });
    expect(pub).toMatchObject({ public_url: "https://feedback.example.com", deploy_hook: true });
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

describe("the badge's embed code", () => {
  it("uses absolute URLs on the site's public origin, escaped for HTML", () => {
    const [support] = reportsOf(toPublicExport(fixture));
    expect(badgeEmbed(support!, "https://feedback.example.com")).toEqual({
      src: "https://feedback.example.com/s/support/badge.svg",
      href: "https://feedback.example.com/s/support/",
      code: '<a href="https://feedback.example.com/s/support/"><img src="https://feedback.example.com/s/support/badge.svg" alt="Support satisfaction: CSAT 89% · 1,437 answers · 90 days" height="20"></a>',
    });
    expect(badgeEmbed({ ...support!, name: 'A "quoted" <name>' }, null).code).toBe(
      '<a href="/s/support/"><img src="/s/support/badge.svg" alt="A &#34;quoted&#34; &#60;name&#62;: CSAT 89% · 1,437 answers · 90 days" height="20"></a>',
    );
  });

  it("takes the origin from the export, else the build's site setting", () => {
    expect(embedOrigin("https://feedback.example.com/", undefined)).toBe("https://feedback.example.com");
    expect(embedOrigin(null, new URL("https://reports.example.org/base/"))).toBe("https://reports.example.org");
    expect(embedOrigin("not a url", undefined)).toBeNull();
    expect(embedOrigin("javascript:alert(1)", undefined)).toBeNull();
    expect(embedOrigin(null, undefined)).toBeNull();
  });
});
