/**
 * The internal pages' comments in pages: the first page shown, the others behind disclosures, so a
 * survey page stays short however many comments the export holds; and the link to the same comments
 * in the manage pages, whose response list filters by comment, score and days. Pure.
 */
import type { ReportComment } from "../../../functions/reports/report-data";

export const COMMENTS_PER_PAGE = 20;

export interface CommentPage {
  /** 1-based positions of the page's first and last comment. */
  first: number;
  last: number;
  comments: ReportComment[];
}

/** The comments in their order (worst scores first, as the export gives them), in pages. */
export function commentPages(comments: readonly ReportComment[], size: number = COMMENTS_PER_PAGE): CommentPage[] {
  const pages: CommentPage[] = [];
  for (let start = 0; start < comments.length; start += size) {
    const slice = comments.slice(start, start + size);
    pages.push({ first: start + 1, last: start + slice.length, comments: slice });
  }
  return pages;
}

/** /internal/manage/surveys/{id}/responses with comment=yes, the days and optionally one score (functions/internal/manage/responses.ts's readFilter). */
export function manageResponsesHref(surveyId: string, filter: { from: string; to: string; score: number | null }): string {
  const query = new URLSearchParams({ comment: "yes", from: filter.from, to: filter.to });
  if (filter.score !== null) query.set("score", String(filter.score));
  return `/internal/manage/surveys/${encodeURIComponent(surveyId)}/responses?${query.toString()}`;
}
