/**
 * The public view of a report export, derived from the internal one in one place so public pages can
 * never see what they must not: only surveys marked public (and not archived), only the `all`
 * dimension (segments can name people: agents, customers), no comments, no property keys, no
 * email sends. Pure.
 */
import type { ReportExport } from "../../../functions/reports/report-data";

export function toPublicExport(data: ReportExport): ReportExport {
  return {
    generated_at: data.generated_at,
    audience: "public",
    through: data.through,
    public_url: data.public_url,
    deploy_hook: data.deploy_hook,
    surveys: data.surveys
      .filter(({ survey }) => survey.public && !survey.archived)
      .map(({ survey, rollups, annotations }) => ({
        survey: { ...survey, segments: [] },
        rollups: rollups.filter((row) => row.dimension === "all").map((row) => ({ ...row, value: "" })),
        annotations: annotations.map(({ at, label }) => ({ at, label })),
        comments: [],
        sends: [],
      })),
  };
}
