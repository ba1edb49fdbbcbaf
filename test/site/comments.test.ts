import { describe, expect, it } from "vitest";
import type { ReportComment } from "../../functions/reports/report-data";
import { commentPages, manageResponsesHref } from "../../site/src/lib/comments";

const comment = (i: number): ReportComment => ({ id: `r-${i}`, score: 1 + (i % 5), comment: `comment ${i}`, created_at: "2026-11-20T08:00:00.000Z", properties: {} });

describe("comments in pages", () => {
  it("keeps the order and cuts pages of 20", () => {
    const pages = commentPages(Array.from({ length: 45 }, (_, i) => comment(i)));
    expect(pages.map((p) => [p.first, p.last, p.comments.length])).toEqual([
      [1, 20, 20],
      [21, 40, 20],
      [41, 45, 5],
    ]);
    expect(pages[1]!.comments[0]!.id).toBe("r-20");
    expect(commentPages([])).toEqual([]);
    expect(commentPages([comment(1)], 20)).toEqual([{ first: 1, last: 1, comments: [comment(1)] }]);
  });

  it("links to the manage pages' response list with its own filter names", () => {
    expect(manageResponsesHref("support", { from: "2026-08-23", to: "2026-11-20", score: null })).toBe(
      "/internal/manage/surveys/support/responses?comment=yes&from=2026-08-23&to=2026-11-20",
    );
    expect(manageResponsesHref("a b", { from: "2026-08-23", to: "2026-11-20", score: 1 })).toBe(
      "/internal/manage/surveys/a%20b/responses?comment=yes&from=2026-08-23&to=2026-11-20&score=1",
    );
  });
});
