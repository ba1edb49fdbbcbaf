import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { fetchChecked } from "../helpers/document";
import { createSurvey, invite, visit } from "../helpers/respondent";

/**
 * The router adds X-Content-Type-Options: nosniff to every answer the Worker makes (functions/router.ts):
 * JSON, errors from any stage, exports and respondent pages. The static site's headers come from
 * site/public/_headers (test/browser/site.test.ts).
 */

const SURVEY = "nosniff";

beforeAll(async () => {
  await createSurvey(SURVEY);
});

const nosniff = (response: Response) => response.headers.get("x-content-type-options");

describe("X-Content-Type-Options", () => {
  it.each([
    ["GET", "/healthz", 200],
    ["GET", "/api/v1/openapi.json", 200],
    ["GET", `/api/v1/surveys/${SURVEY}`, 200],
    ["GET", "/api/v1/no-such-route", 404],
    ["GET", `/api/v1/surveys/${SURVEY}/metrics?from=9999-12-31`, 400],
    ["POST", `/api/v1/surveys/${SURVEY}/responses`, 400],
    ["GET", `/api/v1/surveys/${SURVEY}/responses?format=csv`, 200],
  ])("is nosniff on %s %s (%i)", async (method, path, status) => {
    const response = await api(method, path);
    expect(response.status).toBe(status);
    expect(nosniff(response)).toBe("nosniff");
    await response.arrayBuffer();
  });

  it("is nosniff without a token (401) and on a probe of a link that does not exist", async () => {
    const unauthorized = await api("GET", "/api/v1/surveys", { token: null });
    expect(unauthorized.status).toBe(401);
    expect(nosniff(unauthorized)).toBe("nosniff");
    const probe = await fetchChecked("http://tapscore.test/r/not-a-token", { method: "HEAD" });
    expect(nosniff(probe)).toBe("nosniff");
  });

  it("is nosniff on respondent pages", async () => {
    const [invitation] = (await invite(SURVEY, [{ recipient: "nosniff-1" }])).invitations;
    const page = await visit(invitation!.links["4"]!);
    expect(page.status).toBe(200);
    expect(nosniff(page)).toBe("nosniff");
  });
});
