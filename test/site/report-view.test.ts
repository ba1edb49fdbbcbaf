import { describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import { headlineOf, summarize } from "../../functions/scoring/summary";
import { histogramN, mergeHistograms } from "../../functions/scoring/histogram";
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

  it("computes the headline over the last 90 days with the scoring engine", () => {
    const rows = byId(fixture, "support").rollups.filter((r) => r.dimension === "all" && r.day >= support.window.from && r.day <= support.window.to);
    const config = byId(fixture, "support").survey;
    const histogram = mergeHistograms(config.scale, rows.map((r) => ({ scale: config.scale, counts: r.counts })));
    const expected = headlineOf(config, histogram);
    expect(support.window).toEqual({ from: "2026-08-23", to: "2026-11-20", days: WINDOW_DAYS });
    expect(support.headline).toMatchObject({ value: expected.value, ci: expected.ci, n: histogramN(histogram), suppressed: false });
    expect(support.distribution?.map((b) => b.count)).toEqual(summarize(config, histogram).distribution.map((b) => b.count));
    expect(support.excluded).toBe(rows.reduce((t, r) => t + r.excluded, 0));
    expect(support.response_rate).toBeCloseTo((support.responses / support.invitations) * 100, 10);
  });

  it("has a weekly trend over the whole history, a target status, annotations, segments and the A/B test", () => {
    expect(support.trend.granularity).toBe("week");
    expect(support.trend.points.length).toBeGreaterThanOrEqual(17);
    expect(support.target).toMatchObject({ value: 90, by: "2027-03-31" });
    expect(typeof support.target?.on_track).toBe("boolean");
    expect(support.annotations.map((a) => a.label)).toEqual(["New webshop software released", "Support hours extended to weekends"]);
    expect(support.breakdowns.map((b) => b.dimension)).toEqual(["touchpoint", "locale", "country", "channel", "variant", "plan", "agent"]);
    expect(support.variants).toMatchObject({ a: { label: "A" }, b: { label: "B" }, test: "two_proportion_z" });
    expect(support.comments[0]!.comment).toContain("<script>");
    expect(support.previous?.previous.n).toBeGreaterThan(0);
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
  it("reads like 'CSAT 92% · 1,204 answers · 90 days' in the survey's locale, with an escaped title", () => {
    const [support, nps] = reportsOf(toPublicExport(fixture));
    expect(badgeText(support!).message).toMatch(/^\d{1,3}% · \d{1,3}(,\d{3})* answers · 90 days$/);
    expect(badgeText(nps!).message).toMatch(/^[+−-]?\d+ · \d+ answers · 90 days$/);
    const svg = badgeSvg({ ...support!, name: `Support <&> "team"` });
    expect(svg).toContain("<title id=\"t\">Support &#60;&#38;&#62; &#34;team&#34;: CSAT");
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
  });
});
