import type { APIRoute, GetStaticPaths } from "astro";
import { badgeSvg } from "../../../lib/badge";
import { loadPublicReport } from "../../../lib/load-report";
import { surveyReport, type SurveyReport } from "../../../lib/report-view";

export const getStaticPaths = (async () => {
  const data = await loadPublicReport();
  return data.surveys.map((survey) => ({ params: { survey: survey.survey.id }, props: { report: surveyReport(data, survey) } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ report: SurveyReport }> = ({ props }) =>
  new Response(badgeSvg(props.report), { headers: { "content-type": "image/svg+xml; charset=utf-8" } });
