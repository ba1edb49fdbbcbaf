import { beforeAll, describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import { api } from "../helpers/api";
import { createSurvey, invite } from "../helpers/respondent";
import { insertResponse, insertSend } from "../people/rows";

const SURVEY = "export-sends-amsterdam";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The latest day Amsterdam turned its clocks back (the last Sunday of October, at 01:00 UTC) that lies
 * behind us, so the export's year of sends reaches it whenever this runs. That local day is 25 hours
 * long: from 22:00 UTC the day before to 23:00 UTC that day.
 */
function lastAutumnChange(now: number): number {
  const year = new Date(now).getUTCFullYear();
  for (const y of [year, year - 1]) {
    const october31 = Date.UTC(y, 9, 31);
    const sunday = october31 - new Date(october31).getUTCDay() * DAY;
    if (sunday + DAY < now) return sunday;
  }
  throw new Error("unreachable: last year's change is always behind us");
}

const change = lastAutumnChange(Date.now());
const dayKey = (utcMidnight: number) => new Date(utcMidnight).toISOString().slice(0, 10);
const before = dayKey(change - DAY);
const longDay = dayKey(change);
const after = dayKey(change + DAY);

beforeAll(async () => {
  await createSurvey(SURVEY, { timezone: "Europe/Amsterdam", public: true });
  const { invitations } = await invite(
    SURVEY,
    ["a", "b", "c", "d", "e", "f", "g", "h"].map((r) => ({ recipient: `export-sends-${r}`, email: `export-sends-${r}@example.com` })),
  );
  const [a, b, c, d, e, f, g, h] = invitations.map((i) => i.id);
  const send = (id: string, invitation: string | undefined, status: "sent" | "failed" | "scheduled", sentAt: number | null) =>
    insertSend({ id, survey_id: SURVEY, invitation_id: invitation ?? null, recipient: id, email: `${id}@example.com`, status, send_at: sentAt ?? change, sent_at: sentAt });

  await send("snd_xs1", a, "sent", change - DAY + 21 * HOUR + 59 * 60_000); // 23:59 CEST: the day before
  await send("snd_xs2", b, "sent", change - DAY + 22 * HOUR); // 00:00 CEST: the long day begins
  await send("snd_xs3", c, "sent", change + 12 * HOUR); // 13:00 CET
  await send("snd_xs4", d, "sent", change + 22 * HOUR + 30 * 60_000); // 23:30 CET: still the long day (UTC+2 would say the next)
  await send("snd_xs5", e, "sent", change + 23 * HOUR); // 00:00 CET: the day after
  await send("snd_xs6", f, "failed", null); // never sent: in no cohort
  await send("snd_xs7", g, "scheduled", null);
  await send("snd_xs8", h, "sent", Date.now() - 400 * DAY); // older than the export's year of sends

  await insertResponse(a!, SURVEY, "counted", change);
  await insertResponse(b!, SURVEY, "suspected", change); // a scanner's click: not an answer
  await insertResponse(d!, SURVEY, "counted", change + 2 * DAY);
  await insertResponse(e!, SURVEY, "counted", change + 2 * DAY);
  await insertResponse(h!, SURVEY, "counted", Date.now() - 399 * DAY);
});

async function exported(audience: string): Promise<ReportExport> {
  const response = await api("GET", `/api/v1/reports/export?audience=${audience}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReportExport;
}

describe("emails sent, in the report export", () => {
  it("gives internal builds the sent and answered emails per local day, the 25-hour day included", async () => {
    const report = (await exported("internal")).surveys.find((s) => s.survey.id === SURVEY)!;
    expect(report.sends).toEqual([
      { day: before, sent: 1, answered: 1 },
      { day: longDay, sent: 3, answered: 1 },
      { day: after, sent: 1, answered: 1 },
    ]);
  });

  it("gives public builds none", async () => {
    const data = await exported("public");
    const report = data.surveys.find((s) => s.survey.id === SURVEY)!;
    expect(report.sends).toEqual([]);
    expect(data.surveys.every((s) => s.sends.length === 0)).toBe(true);
  });
});
