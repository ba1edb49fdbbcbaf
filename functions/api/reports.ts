import * as v from "valibot";
import type { ValidatedRequest } from "../http/route";
import { IsoDay, IsoTime } from "../http/time";
import type { DeployHookEnv } from "../reports/deploy-hook";
import { buildReportExport } from "../reports/export";
import { staleReads } from "../storage/reads";
import { linkOrigin } from "./invitations";
import { SurveyView } from "./surveys";

const AUDIENCES = ["internal", "public"] as const;
const Count = v.pipe(v.number(), v.integer());

export const ReportExportQuery = v.object({
  audience: v.optional(
    v.pipe(
      v.picklist(AUDIENCES, 'must be "public" or "internal".'),
      v.description("internal: every active survey, every segment, the latest comments; public: public surveys, the overall rows only, no comments."),
    ),
    "internal",
  ),
});

/** What the report site is built from (functions/reports/report-data.ts). */
export const ReportExport = v.object({
  generated_at: IsoTime,
  audience: v.picklist(AUDIENCES),
  through: v.pipe(IsoDay, v.description("The last day the rollups cover, per the server clock (UTC).")),
  public_url: v.pipe(
    v.nullable(v.string()),
    v.description("The site's public origin: PUBLIC_URL, or without one the origin this export was asked at. The pages write absolute embed URLs with it."),
  ),
  deploy_hook: v.pipe(v.nullable(v.boolean()), v.description("Whether DEPLOY_HOOK_URL is set, so the pages are rebuilt after a rollup that changed something.")),
  surveys: v.array(
    v.object({
      survey: v.pipe(v.omit(SurveyView, ["updated_at", "archived_at", "email", "recurrence", "reminder_after_days"]), v.description("An active survey's settings.")),
      rollups: v.pipe(
        v.array(
          v.object({
            day: v.pipe(IsoDay, v.description("A local day of the survey's time zone.")),
            dimension: v.pipe(v.string(), v.description('"all", touchpoint, locale, country, channel, variant or a segment key of the survey.')),
            value: v.string(),
            counts: v.pipe(v.array(Count), v.description("counts[i]: counted responses scoring scale.min + i.")),
            invitations: v.pipe(Count, v.description("Invitations created that day; answers that came without one (ingestion, import) made none.")),
            comments: Count,
            excluded: Count,
            answered: v.pipe(Count, v.description("Of that day's invitations, the ones with a counted answer, whenever it came: the response rate's cohort.")),
          }),
        ),
        v.description("Additive daily rows, one per day and dimension value; public exports carry the all rows only."),
      ),
      annotations: v.array(v.object({ at: IsoTime, label: v.string() })),
      comments: v.pipe(
        v.array(
          v.object({
            id: v.string(),
            score: Count,
            comment: v.string(),
            created_at: IsoTime,
            properties: v.pipe(v.record(v.string(), v.string()), v.description("Empty in public exports.")),
          }),
        ),
        v.description("Internal exports only: the latest counted comments, worst scores first."),
      ),
      sends: v.pipe(
        v.array(
          v.object({
            day: v.pipe(IsoDay, v.description("A local day of the survey's time zone: the day the emails were sent.")),
            sent: v.pipe(Count, v.description("The survey's emails sent that day.")),
            answered: v.pipe(Count, v.description("Of those, the ones whose invitation has a counted response (at any time since).")),
          }),
        ),
        v.description("Internal exports only (empty in public ones): the response rate per send cohort, one row per local day with sent emails over the last 366 days, oldest first."),
      ),
    }),
  ),
});

/** GET /api/v1/reports/export — what a production site build reads (REPORT_SOURCE + REPORT_TOKEN). */
export async function reportExport(request: ValidatedRequest<Record<string, string>, v.InferOutput<typeof ReportExportQuery>>, env: Env & DeployHookEnv): Promise<Response> {
  const site = { public_url: publicOrigin(request, env), deploy_hook: Boolean(env.DEPLOY_HOOK_URL?.trim()) };
  const data = await buildReportExport(staleReads(env.DB), request.input.query.audience, Date.now(), site);
  const body: v.InferOutput<typeof ReportExport> = {
    ...data,
    // Stored surveys always have retain_days (null keeps everything); say so, as the surveys API does.
    surveys: data.surveys.map((report) => ({ ...report, survey: { ...report.survey, retain_days: report.survey.retain_days ?? null } })),
  };
  return Response.json(body, { headers: { "Cache-Control": "private, no-store" } });
}

/** PUBLIC_URL where it is a valid origin; else this request's, which is the deployed site's when a build asks it (REPORT_SOURCE). */
function publicOrigin(request: Request, env: Env): string {
  try {
    return linkOrigin(request, env);
  } catch {
    return new URL(request.url).origin;
  }
}
