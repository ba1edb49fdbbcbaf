import { describe, expect, it } from "vitest";
import type { ReportExport, SendDay } from "../../functions/reports/report-data";
import { formatEmails } from "../../site/src/lib/format";
import { toPublicExport } from "../../site/src/lib/public-export";
import { emailCohort, surveyReport } from "../../site/src/lib/report-view";
import fixtureJson from "../fixtures/report-export.json";

const fixture = fixtureJson as unknown as ReportExport;
const byId = (data: ReportExport, id: string) => data.surveys.find((s) => s.survey.id === id)!;

const sends: SendDay[] = [
  { day: "2026-03-08", sent: 50, answered: 40 },
  { day: "2026-03-09", sent: 10, answered: 4 },
  { day: "2026-03-20", sent: 30, answered: 9 },
  { day: "2026-03-31", sent: 8, answered: 0 },
  { day: "2026-04-01", sent: 70, answered: 70 },
];

describe("the emails of a range", () => {
  it("adds up the days from the first to the last of the range, both included", () => {
    expect(emailCohort(sends, "2026-03-09", "2026-03-31")).toEqual({ sent: 48, answered: 13, percent: (13 / 48) * 100 });
    expect(emailCohort(sends, "2026-03-20", "2026-03-20")).toEqual({ sent: 30, answered: 9, percent: 30 });
  });

  it("is nothing when no email was sent in the range, and 0% when none was answered", () => {
    expect(emailCohort(sends, "2026-03-10", "2026-03-19")).toBeNull();
    expect(emailCohort([], "2026-01-01", "2026-12-31")).toBeNull();
    expect(emailCohort(sends, "2026-03-31", "2026-03-31")).toEqual({ sent: 8, answered: 0, percent: 0 });
  });

  it("is written with the page's (en-US) numbers, whatever the survey's locale", () => {
    // 412 / 1204 = 34.2%.
    expect(formatEmails({ sent: 1204, answered: 412, percent: (412 / 1204) * 100 })).toBe("Emails: 1,204 sent, 412 answered (34%)");
  });
});

describe("the emails on a survey's internal report", () => {
  it("covers the sends of the headline window in the fixture's internal survey", () => {
    // onboarding-effort's fixture sends: 68 days from 2026-09-07 to 2026-11-20, all inside the 90 days to 2026-11-20.
    expect(surveyReport(fixture, byId(fixture, "onboarding-effort")).emails).toEqual({ sent: 290, answered: 105, percent: (105 / 290) * 100 });
  });

  it("leaves out days before the window and after the report's day", () => {
    const report = byId(fixture, "onboarding-effort");
    const edges: SendDay[] = [
      { day: "2026-08-22", sent: 100, answered: 100 },
      { day: "2026-08-23", sent: 3, answered: 1 },
      { day: "2026-11-20", sent: 2, answered: 2 },
      { day: "2026-11-21", sent: 100, answered: 0 },
    ];
    expect(surveyReport(fixture, { ...report, sends: edges }).emails).toEqual({ sent: 5, answered: 3, percent: 60 });
  });

  it("says nothing for a survey that sent no email", () => {
    expect(surveyReport(fixture, byId(fixture, "support")).emails).toBeNull();
  });

  it("never reaches a public page, even when an export carries sends", () => {
    const pub = toPublicExport({ ...fixture, surveys: fixture.surveys.map((s) => ({ ...s, sends })) });
    for (const s of pub.surveys) expect(s.sends).toEqual([]);
    expect(surveyReport(pub, { ...byId(pub, "support"), sends }).emails).toBeNull();
  });
});
