import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { createSurvey, invite, visit } from "../helpers/respondent";

/**
 * GET /api/v1/surveys/{id}/responses?status= on a survey holding every status at once: each filter
 * answers exactly its own responses, and paging under a filter stays within it.
 */

const HEADLESS = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36" };

interface Listed {
  responses: { recipient: string; status: string }[];
  next_cursor: string | null;
}

async function list(query: string): Promise<Listed> {
  const response = await api("GET", `/api/v1/surveys/wired-mixed/responses${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Listed;
}

const recipients = async (query: string) => (await list(query)).responses.map((r) => r.recipient).sort();

beforeAll(async () => {
  await createSurvey("wired-mixed");
  const { invitations } = await invite("wired-mixed", ["ann", "bob", "cat", "bot", "eve"].map((recipient) => ({ recipient })));
  const [ann, bob, cat, bot, eve] = invitations;
  // Three people tap; a headless browser opens one link; one person is then excluded by an admin.
  for (const person of [ann, bob, cat]) expect((await visit(person!.links["4"]!)).status).toBe(200);
  await visit(bot!.links["1"]!, {}, HEADLESS);
  expect((await visit(eve!.links["2"]!)).status).toBe(200);
  const excluded = await api("PATCH", `/api/v1/responses/rsp_${eve!.id}`, { body: { status: "excluded" } });
  expect(excluded.status).toBe(200);
});

describe("listing responses by status", () => {
  it("without a filter lists every response", async () => {
    expect(await recipients("")).toEqual(["ann", "bob", "bot", "cat", "eve"]);
  });

  it("status=counted lists only the counted ones", async () => {
    expect(await recipients("?status=counted")).toEqual(["ann", "bob", "cat"]);
  });

  it("status=suspected lists only the suspected one", async () => {
    expect(await recipients("?status=suspected")).toEqual(["bot"]);
  });

  it("status=excluded lists only the excluded one", async () => {
    expect(await recipients("?status=excluded")).toEqual(["eve"]);
  });

  it("keeps the filter across pages", async () => {
    const seen: string[] = [];
    let query = "?status=counted&limit=2";
    for (let page = 0; page < 5; page += 1) {
      const { responses, next_cursor } = await list(query);
      for (const r of responses) expect(r.status).toBe("counted");
      seen.push(...responses.map((r) => r.recipient));
      if (!next_cursor) break;
      query = `?status=counted&limit=2&cursor=${encodeURIComponent(next_cursor)}`;
    }
    expect(seen.sort()).toEqual(["ann", "bob", "cat"]);
  });
});
