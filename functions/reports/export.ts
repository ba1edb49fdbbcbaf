import { isoTime } from "../http/time";
import { listAnnotations } from "../storage/annotations";
import { latestComments } from "../storage/responses";
import { readSurveyRollups } from "../storage/rollups";
import { listActiveSurveys } from "../storage/surveys";
import type { Audience, ReportExport, ReportSurvey } from "./report-data";

/** Comments the internal pages show per survey: the latest, worst first. */
export const REPORT_COMMENTS = 100;
const MAX_SURVEYS = 500;
const MAX_ANNOTATIONS = 500;

/**
 * Everything the report site is built from, read from D1 only through the rollups and the small
 * tables beside them. The public audience gets public surveys, the "all" rows and no comments.
 */
export async function buildReportExport(db: D1Database, audience: Audience, now: number): Promise<ReportExport> {
  const surveys = (await listActiveSurveys(db, MAX_SURVEYS)).filter((s) => audience === "internal" || s.public);
  const reports = await Promise.all(
    surveys.map(async ({ updated_at: _u, archived_at: _a, created_at, email: _e, recurrence: _r, reminder_after_days: _d, ...survey }): Promise<ReportSurvey> => {
      const [rollups, annotations, comments] = await Promise.all([
        readSurveyRollups(db, survey.id, audience === "public"),
        listAnnotations(db, survey.id, { from: null, to: null, limit: MAX_ANNOTATIONS }),
        audience === "internal" ? latestComments(db, survey.id, REPORT_COMMENTS) : Promise.resolve([]),
      ]);
      return {
        survey: { ...survey, created_at: isoTime(created_at) },
        rollups,
        annotations: annotations.map((a) => ({ at: isoTime(a.at), label: a.label })),
        comments: comments.map((c) => ({ ...c, created_at: isoTime(c.created_at), properties: audience === "internal" ? c.properties : {} })),
      };
    }),
  );
  return { generated_at: isoTime(now), audience, through: isoTime(now).slice(0, 10), surveys: reports };
}
