import { SELF, env } from "cloudflare:test";
import { expect, it } from "vitest";
import { createSurvey, invite, pathOf, PERSON } from "../helpers/respondent";

/**
 * Load: 1,000 people tap at once, 200 of them twice (a double tap, or a second tab), in waves of
 * 100 concurrent requests. Every request must be answered, every invitation must end with exactly
 * one counted response with the score tapped, no tap may be lost, and every decision must have seen
 * every tap of its invitation (no answer left stale for the cron to re-decide).
 */
const PEOPLE = 1_000;
const DOUBLE_TAPS = 200;
const WAVE = 100;

it("1,000 distinct taps plus 200 double taps, concurrently: one response each, no 5xx, nothing lost", async () => {
  await createSurvey("load");
  const { invitations } = await invite("load", Array.from({ length: PEOPLE }, (_, i) => ({ recipient: `load-${i}` })), { snippets: false });
  expect(invitations).toHaveLength(PEOPLE);
  const scoreOf = (i: number) => String((i % 5) + 1);
  const taps = invitations.map((invitation, i) => pathOf(invitation.links[scoreOf(i)]!));
  // Each double tap lands in the same wave as its first tap, so the two race for the same invitation.
  const requests: string[] = [];
  for (let i = 0; i < PEOPLE; i++) {
    requests.push(taps[i]!);
    if (i % (PEOPLE / DOUBLE_TAPS) === 0) requests.push(taps[i]!);
  }
  expect(requests).toHaveLength(PEOPLE + DOUBLE_TAPS);

  const statuses: number[] = [];
  for (let at = 0; at < requests.length; at += WAVE) {
    const wave = requests.slice(at, at + WAVE).map(async (path) => {
      const response = await SELF.fetch(`http://tapscore.test${path}`, { headers: PERSON });
      await response.arrayBuffer();
      return response.status;
    });
    statuses.push(...(await Promise.all(wave)));
  }
  expect(statuses.filter((s) => s !== 200)).toEqual([]);

  const { results } = await env.DB.prepare(
    `SELECT a.invitation_id, a.score, a.status, a.stale,
            (SELECT COUNT(*) FROM json_each(a.events) e WHERE json_extract(e.value, '$.kind') = 'tap') AS taps
     FROM answers a WHERE a.survey_id = 'load'`,
  ).all<{ invitation_id: string; score: number; status: string; stale: number; taps: number }>();
  expect(results).toHaveLength(PEOPLE);
  const responses = await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE survey_id = 'load'").first<{ n: number }>("n");
  expect(responses).toBe(PEOPLE);
  const byId = new Map(results.map((r) => [r.invitation_id, r]));
  invitations.forEach((invitation, i) => {
    // Not stale: the decision that won saw every event of its invitation, though the two taps of a double tap raced.
    expect(byId.get(invitation.id), invitation.id).toMatchObject({
      score: Number(scoreOf(i)),
      status: "counted",
      stale: 0,
      taps: i % (PEOPLE / DOUBLE_TAPS) === 0 ? 2 : 1,
    });
  });
}, 60_000);
