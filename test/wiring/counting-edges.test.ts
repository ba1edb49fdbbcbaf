import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createSurvey, invite, nonceOf, postForm, responseOf, visit } from "../helpers/respondent";

/**
 * The edges of the counting rule (functions/counting/counting-rule.ts), reached through the
 * respondent routes as a person's browser would: the sweep threshold of three distinct scores in one
 * burst from one client, and a form post replayed with the person's own client and form id.
 */

beforeAll(async () => {
  await createSurvey("wired-edges");
});

const person = async (recipient: string) => (await invite("wired-edges", [{ recipient }], { snippets: false })).invitations[0]!;

const events = async (invitationId: string) =>
  (await env.DB.prepare("SELECT kind, score FROM events WHERE invitation_id = ?1 ORDER BY seq").bind(invitationId).all<{ kind: string; score: number | null }>()).results;

describe("a sweep", () => {
  it("is not two different scores in one burst from one browser: the person changed their mind", async () => {
    const invitation = await person("edge-two");
    expect((await visit(invitation.links["2"]!)).status).toBe(200);
    expect((await visit(invitation.links["4"]!)).status).toBe(200);
    expect(await responseOf(invitation.id)).toMatchObject({ score: 4, status: "counted" });
  });

  it("is three different scores in one burst from one browser", async () => {
    const invitation = await person("edge-three");
    for (const score of ["2", "4", "5"]) expect((await visit(invitation.links[score]!)).status).toBe(200);
    expect(await responseOf(invitation.id)).toMatchObject({ status: "suspected", reason: "sweep" });
  });

  it("counts distinct scores, not requests: the same two scores fetched four times are not one", async () => {
    const invitation = await person("edge-repeats");
    for (const score of ["2", "4", "2", "4"]) expect((await visit(invitation.links[score]!)).status).toBe(200);
    expect(await responseOf(invitation.id)).toMatchObject({ score: 4, status: "counted" });
  });
});

describe("a form replay", () => {
  it("with the person's own browser and the same one-time form id does not change their answer", async () => {
    const invitation = await person("edge-replay");
    const html = await (await visit(invitation.links["4"]!)).text();
    const nonce = nonceOf(html);
    expect(nonce).not.toBe("");
    expect((await postForm(invitation.url, { action: "choose", score: "2", nonce })).status).toBe(200);
    expect(await responseOf(invitation.id)).toMatchObject({ score: 2, status: "counted", reason: "confirmed" });
    // The same form id again, as a replaying proxy would send it with another score.
    await postForm(invitation.url, { action: "choose", score: "5", nonce });
    expect(await responseOf(invitation.id)).toMatchObject({ score: 2, status: "counted", reason: "confirmed" });
    // It was heard and recorded, only not believed.
    expect(await events(invitation.id)).toEqual([
      { kind: "tap", score: 4 },
      { kind: "choose", score: 2 },
      { kind: "choose", score: 5 },
    ]);
  });

  it("a fresh form id from a fresh page load is believed: the check is the form id, not the second post", async () => {
    const invitation = await person("edge-fresh");
    const first = nonceOf(await (await visit(invitation.links["4"]!)).text());
    expect((await postForm(invitation.url, { action: "choose", score: "2", nonce: first })).status).toBe(200);
    const second = nonceOf(await (await visit(invitation.url)).text());
    expect(second).not.toBe(first);
    expect((await postForm(invitation.url, { action: "choose", score: "5", nonce: second })).status).toBe(200);
    expect(await responseOf(invitation.id)).toMatchObject({ score: 5, status: "counted" });
  });
});
