import { isoTime } from "../http/time";
import { addDays, dayStart, localDay } from "../rollups/days";
import { listAnnotations } from "../storage/annotations";
import { latestComments } from "../storage/responses";
import { readSurveyRollups } from "../storage/rollups";
import { sendCohortsByQuarterHour } from "../storage/send-cohorts";
import type { D1Reads } from "../storage/reads";
import { listActiveSurveys } from "../storage/surveys";
import type { Audience, ReportExport, ReportSite, ReportSurvey, SendDay } from "./report-data";

/** Comments the internal pages show per survey: the latest, worst first. */
export const REPORT_COMMENTS = 100;
const MAX_SURVEYS = 500;
const MAX_ANNOTATIONS = 500;
/** Local days of sent emails per survey, today included: the year the site's trend reaches back, and a day. */
export const REPORT_SEND_DAYS = 366;

/** A build straight from a local D1 has no Worker to ask where the pages live or what rebuilds them. */
export const UNKNOWN_SITE: ReportSite = { public_url: null, deploy_hook: null };

/**
 * Everything the report site is built from, read from D1 only through the rollups and the small
 * tables beside them. The public audience gets public surveys, the "all" rows and no comments.
 */
export async function buildReportExport(db: D1Reads, audience: Audience, now: number, site: ReportSite = UNKNOWN_SITE): Promise<ReportExport> {
  const surveys = (await listActiveSurveys(db, MAX_SURVEYS)).filter((s) => audience === "internal" || s.public);
  const reports = await Promise.all(
    surveys.map(async ({ updated_at: _u, archived_at: _a, created_at, email: _e, recurrence: _r, reminder_after_days: _d, ...survey }): Promise<ReportSurvey> => {
      const [rollups, annotations, comments, sends] = await Promise.all([
        readSurveyRollups(db, survey.id, audience === "public"),
        listAnnotations(db, survey.id, { from: null, to: null, limit: MAX_ANNOTATIONS }),
        audience === "internal" ? latestComments(db, survey.id, REPORT_COMMENTS) : Promise.resolve([]),
        audience === "internal" ? sendDays(db, survey.id, survey.timezone, now) : Promise.resolve([]),
      ]);
      return {
        survey: { ...survey, created_at: isoTime(created_at) },
        rollups,
        annotations: annotations.map((a) => ({ at: isoTime(a.at), label: a.label })),
        comments: comments.map((c) => ({ ...c, created_at: isoTime(c.created_at), properties: audience === "internal" ? c.properties : {} })),
        sends,
      };
    }),
  );
  return { generated_at: isoTime(now), audience, through: isoTime(now).slice(0, 10), public_url: site.public_url, deploy_hook: site.deploy_hook, surveys: reports };
}

/** The survey's sent emails per local day over the last REPORT_SEND_DAYS local days, oldest first. */
async function sendDays(db: D1Reads, surveyId: string, timeZone: string, now: number): Promise<SendDay[]> {
  const today = localDay(now, timeZone);
  const from = dayStart(addDays(today, -(REPORT_SEND_DAYS - 1)), timeZone);
  const to = dayStart(addDays(today, 1), timeZone);
  const days = new Map<string, SendDay>();
  for (const { at, sent, answered } of await sendCohortsByQuarterHour(db, surveyId, from, to)) {
    const day = localDay(at, timeZone);
    const total = days.get(day) ?? { day, sent: 0, answered: 0 };
    days.set(day, { day, sent: total.sent + sent, answered: total.answered + answered });
  }
  return [...days.values()];
}
