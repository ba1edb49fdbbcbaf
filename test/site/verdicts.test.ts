import { describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import type { DropCheck, PeriodComparison, SurveyReport, TargetView, VariantComparison } from "../../site/src/lib/report-view";
import { dropCheck, surveyReport } from "../../site/src/lib/report-view";
import { dropSentence, previousSentence, targetSentence, targetShort, trendWords, variantSentence } from "../../site/src/lib/verdicts";
import fixtureJson from "../fixtures/report-export.json";

const fixture = fixtureJson as unknown as ReportExport;
const csat = { metric: "csat", unit: "percent", scale: { min: 1, max: 5 } } as const;
const nps = { metric: "nps", unit: "nps", scale: { min: 0, max: 10 } } as const;
const ces = { metric: "ces", unit: "mean", scale: { min: 1, max: 7 } } as const;
const window30 = { range: "30", from: "2026-10-22", to: "2026-11-20", days: 30, coverage: { first: "2026-01-05", covered: 30, days: 30 } } as const;

const target = (over: Partial<TargetView>): TargetView => ({
  value: 85,
  by: "2027-03-31",
  start: { value: 74, date: "2026-02-15" },
  expected: 78.2,
  gap: -6.77,
  observed: 71.43,
  n: 1234,
  interval: [68.1, 74.4],
  verdict: "off_track",
  reason: "(the API's words)",
  ...over,
});

describe("the target's verdict in words", () => {
  it("says off track with the headline, the line over the same days and the interval, rounded as a person reads them", () => {
    expect(targetSentence({ ctx: csat, window: window30, target: target({}) })).toBe(
      "CSAT 71% over the last 30 days (Oct 22 – Nov 20, 2026; 1,234 answers); the line is at 78% for those days; the interval 68–74% lies below it.",
    );
  });

  it("says on track, and too early with its reason", () => {
    const onTrack = target({ observed: 80.5, expected: 78.2, gap: 2.3, interval: [77.4, 83.6], verdict: "on_track" });
    expect(targetSentence({ ctx: csat, window: window30, target: onTrack })).toBe(
      "CSAT 81% over the last 30 days (Oct 22 – Nov 20, 2026; 1,234 answers); the line is at 78% for those days; the headline is at or above it (interval 77–84%).",
    );
    const close = target({ observed: 76.6, gap: -1.6, interval: [73.2, 80.1], verdict: "too_early" });
    expect(targetSentence({ ctx: csat, window: window30, target: close })).toBe(
      "CSAT 77% over the last 30 days (Oct 22 – Nov 20, 2026; 1,234 answers); the line is at 78% for those days; the headline is below it but the interval 73–80% reaches it: too early to tell.",
    );
    const few = target({ observed: 4.25, expected: 4.6, n: 12, interval: [3.1, 5.4], verdict: "too_early" });
    expect(targetSentence({ ctx: ces, window: window30, target: few })).toBe(
      "CES 4.3 over the last 30 days (Oct 22 – Nov 20, 2026; 12 answers); the line is at 4.6 for those days; 12 answers are too few to tell.",
    );
  });

  it("says why there is no verdict yet", () => {
    expect(targetSentence({ ctx: nps, window: window30, target: target({ start: null, expected: null, observed: null, n: 0, interval: null, verdict: "too_early" }) })).toBe(
      "No answers yet to set where the target's line starts.",
    );
    expect(targetSentence({ ctx: nps, window: window30, target: target({ expected: -2.5, observed: null, n: 0, interval: null, verdict: "too_early" }) })).toBe(
      "No answers over the last 30 days (Oct 22 – Nov 20, 2026); the line is at −3 for those days.",
    );
    expect(targetSentence({ ctx: nps, window: window30, target: null })).toBeNull();
  });
});

describe("comparisons in words", () => {
  const cell = (value: number | null, n: number) => ({ value, ci: null, n, low_confidence: n < 30, suppressed: false });
  const previous = (over: Partial<PeriodComparison>): PeriodComparison => ({
    from: "2026-09-22",
    to: "2026-10-21",
    coverage: { first: "2026-01-05", covered: 30, days: 30 },
    difference: 7.4132,
    ci: [3.3, 11.52],
    p_value: 0.0002,
    significant: true,
    previous: cell(81.8004, 511),
    ...over,
  });
  const report = { ctx: csat, window: window30, headline: cell(89.2136, 1437) } satisfies Pick<SurveyReport, "ctx" | "window" | "headline">;

  it("says the change, its interval, the p-value and whether it is significant", () => {
    expect(previousSentence(report, previous({}))).toBe(
      "CSAT 89% over the last 30 days against 82% over the 30 days before (Sep 22 – Oct 21, 2026; 511 answers): up 7 points, 95% interval +3 to +12 points; p < 0.001: a significant difference at the 5% level.",
    );
    expect(previousSentence(report, previous({ difference: -1.5, ci: [-4.4, 1.4], p_value: 0.3125, significant: false }))).toBe(
      "CSAT 89% over the last 30 days against 82% over the 30 days before (Sep 22 – Oct 21, 2026; 511 answers): down 2 points, 95% interval −4 to +1 points; p = 0.31: not a significant difference at the 5% level.",
    );
  });

  it("names the range since the first answer as such", () => {
    const all = { ...report, window: { range: "all", from: "2026-07-24", to: "2026-11-20", days: 120, coverage: { first: "2026-07-24", covered: 120, days: 120 } } } as const;
    expect(previousSentence(all, previous({}))).toBe(
      "CSAT 89% over the 120 days since the first answer against 82% over the 120 days before (Sep 22 – Oct 21, 2026; 511 answers): up 7 points, 95% interval +3 to +12 points; p < 0.001: a significant difference at the 5% level.",
    );
  });

  it("says the trend of a summary in a few words, and how little of the previous period the answers reach", () => {
    const trend = { granularity: "week" as const, from: "2026-10-19", to: "2026-11-20", points: [] };
    expect(trendWords({ ...report, trend, previous: previous({}) })).toBe("Up 7 points on the previous 30 days (a significant change).");
    expect(trendWords({ ...report, trend, previous: previous({ difference: -0.4, p_value: 0.8, significant: false, coverage: { first: "2026-10-12", covered: 10, days: 30 } }) })).toBe(
      "No change on the previous 30 days, which hold answers from only 10 of their days (not a significant change).",
    );
    const point = (value: number | null) => ({ period: "", from: "", to: "", value, ci: null, n: 40, low_confidence: false, suppressed: false });
    const points = [point(null), point(71.4), point(80), point(76.5), point(null)];
    expect(trendWords({ ...report, previous: null, trend: { ...trend, points } })).toBe("From 71% in the first period with answers to 77% in the latest: up 5 points.");
    expect(trendWords({ ...report, previous: null, trend: { ...trend, points: [point(71.4)] } })).toBe("Not enough periods with answers to show a trend yet.");
  });

  it("says when there is nothing to compare", () => {
    expect(previousSentence(report, previous({ difference: null, ci: null, p_value: null, significant: false, previous: cell(null, 0) }))).toBe(
      "No answers over the 30 days before (Sep 22 – Oct 21, 2026) to compare with.",
    );
  });

  it("names the baseline variant and the one compared with it", () => {
    const variants: VariantComparison = {
      a: { label: "A", cell: cell(4.1234, 737) },
      b: { label: "B", cell: cell(4.3501, 700) },
      others: ["C"],
      difference: 0.2267,
      ci: [0.05, 0.4],
      p_value: 0.0123,
      significant: true,
      test: "welch_t",
    };
    expect(variantSentence(ces, variants)).toBe(
      "Variant B 4.4 (700 answers) against the baseline, variant A 4.1 (737 answers): up 0.2, 95% interval +0.1 to +0.4; p = 0.012: a significant difference at the 5% level. Other variants, not compared here: C.",
    );
  });
});

describe("the target in a table cell", () => {
  it("says the headline against the line, and the target, briefly", () => {
    expect(targetShort({ ctx: csat, target: target({}) })).toBe("71% against a line at 78% (target 85% by Mar 31, 2027)");
    expect(targetShort({ ctx: ces, target: target({ value: 5.5, expected: 5.04, observed: 4.96 }) })).toBe("5.0 against a line at 5.0 (target 5.5 by Mar 31, 2027)");
    expect(targetShort({ ctx: csat, target: target({ observed: null }) })).toBe("no answers; the line is at 78% (target 85% by Mar 31, 2027)");
    expect(targetShort({ ctx: csat, target: target({ start: null, expected: null }) })).toBe("no answers yet to start the line (target 85% by Mar 31, 2027)");
    expect(targetShort({ ctx: csat, target: null })).toBeNull();
  });
});

describe("the weekly drop check in words", () => {
  const week = { from: "2026-11-09", to: "2026-11-15" };

  it("says what was compared, the fall and its interval", () => {
    const check: DropCheck = {
      week,
      size: 10,
      alert: {
        latest: { from: "2026-11-02", to: "2026-11-15", value: 71.43, n: 280 },
        baseline: { from: "2026-08-10", to: "2026-11-01", value: 84.5, n: 1311 },
        delta: -13.07,
        ci: [-18.6, -7.5],
        statistic: 3.1,
        threshold: 2.5,
        size: 10,
      },
    };
    expect(dropSentence(csat, check)).toBe(
      "Drop alert for the week of Nov 9 – Nov 15, 2026: CSAT 71% over Nov 2 – Nov 15, 2026 (280 answers) against 85% over Aug 10 – Nov 1, 2026 (1,311 answers): down 13 points (95% interval of the fall: 8 to 19 points).",
    );
  });

  it("says so when there is no drop", () => {
    expect(dropSentence(ces, { week, size: 0.6, alert: null })).toBe(
      "No drop alert for the week of Nov 9 – Nov 15, 2026: the weekly check, tuned to a fall of 0.6, did not cross its threshold.",
    );
  });

  it("alerts on a lasting fall in the rollups, as the cron does", () => {
    const survey = fixture.surveys.find((s) => s.survey.id === "support")!.survey;
    // 12 weeks of 100 answers a day, 90% satisfied (5s) and 10% 2s; then one week at 70%.
    const rows = [];
    for (let i = 0; i < 13 * 7; i += 1) {
      const day = new Date(Date.UTC(2026, 7, 17 + i)).toISOString().slice(0, 10);
      const good = i < 12 * 7 ? 90 : 70;
      rows.push({ day, value: "", counts: [0, 100 - good, 0, 0, good], invitations: 0, comments: 0, excluded: 0, answered: 0 });
    }
    // 2026-08-17 is a Monday; the 13 weeks end on Sunday 2026-11-15, the week before 2026-11-18.
    const check = dropCheck(survey, rows, "2026-11-18");
    expect(check.week).toEqual(week);
    expect(check.alert?.latest).toEqual({ from: "2026-11-09", to: "2026-11-15", value: 70, n: 700 });
    expect(check.alert?.baseline).toEqual({ from: "2026-08-17", to: "2026-11-08", value: 90, n: 8400 });
    expect(dropSentence(csat, check)).toMatch(/^Drop alert for the week of Nov 9 – Nov 15, 2026: CSAT 70% over Nov 9 – Nov 15, 2026 \(700 answers\) against 90% over Aug 17 – Nov 8, 2026 \(8,400 answers\): down 20 points \(95% interval of the fall: \d+ to \d+ points\)\.$/);
    expect(dropCheck(survey, rows.map((r) => ({ ...r, counts: [0, 10, 0, 0, 90] })), "2026-11-18").alert).toBeNull();
  });
});

describe("the fixture's support survey", () => {
  it("has a target sentence on its own numbers: CSAT 89% over the last 90 days, 1,437 answers", () => {
    const support = surveyReport(fixture, fixture.surveys.find((s) => s.survey.id === "support")!);
    // 1282 of 1437 satisfied = 89.2%; the window is 2026-08-23 to 2026-11-20 (test/site/report-view.test.ts).
    expect(targetSentence(support)).toMatch(/^CSAT 89% over the last 90 days \(Aug 23 – Nov 20, 2026; 1,437 answers\); the line is at \d+% for those days; /);
    expect(support.drop?.week).toEqual({ from: "2026-11-09", to: "2026-11-15" });
  });
});
