import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { checkAgainstDocument, fetchChecked } from "../helpers/document";
import { InstrumentedD1 } from "../helpers/instrumented-d1";
import { createSurvey, invite, pathOf, PERSON, responseOf } from "../helpers/respondent";

/**
 * Faults on the one-tap path. The rollup's own fault suite (a tick killed at every statement, then
 * re-run, equals a clean rebuild) is in test/rollups/job.test.ts ("a tick that dies at any statement").
 *
 * The guarantee proven here: a tap is one read (the link and its answer) and one transaction (its event
 * with the decision over all of the answer's events). Whatever statement fails, the person gets the
 * localized 503 page that asks them to try again; the stored response is either the one from before
 * the tap or the complete new decision, never a mix; and the retry re-decides from every stored event,
 * so it stores exactly what an uninterrupted tap would have.
 */

const GERMAN = { ...PERSON, "accept-language": "de-DE,de;q=0.9" };

async function tapWith(db: D1Database, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`http://tapscore.test${path}`, { headers: GERMAN }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, DB: db },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument("GET", `http://tapscore.test${path}`, response);
  return response;
}

const tap = (path: string) => fetchChecked(`http://tapscore.test${path}`, { headers: GERMAN });
const decision = async (invitationId: string) => {
  const row = await responseOf(invitationId);
  return row && { score: row.score, status: row.status, reason: row.reason };
};

let counter = 0;
async function freshInvitation() {
  const { invitations } = await invite("faults", [{ recipient: `fault-${++counter}` }], { snippets: false });
  return invitations[0]!;
}

beforeAll(async () => {
  await createSurvey("faults");
});

describe.each([
  { case: "a first tap", before: null },
  { case: "a change of mind (2 → 5)", before: "2" },
])("D1 failing at any statement of $case", ({ before }) => {
  it("shows the retry-safe page, leaves the old or the whole new decision, and the retry equals a clean tap", async () => {
    // What an uninterrupted run stores, for comparison.
    const control = await freshInvitation();
    if (before) await tap(pathOf(control.links[before]!));
    expect((await tap(pathOf(control.links["5"]!))).status).toBe(200);
    const clean = await decision(control.id);
    expect(clean).toEqual({ score: 5, status: "counted", reason: "tap" });

    let completed = false;
    let failAt = 1;
    for (; !completed && failAt < 30; failAt++) {
      const invitation = await freshInvitation();
      if (before) await tap(pathOf(invitation.links[before]!));
      const prior = await decision(invitation.id);
      const dying = new InstrumentedD1(env.DB, failAt);
      const response = await tapWith(dying.binding, pathOf(invitation.links["5"]!));
      if (!dying.failed) {
        completed = true; // failAt lies beyond the tap's last statement: every statement has been tried
        expect(response.status).toBe(200);
        continue;
      }
      expect(response.status, `failure at statement ${failAt}`).toBe(503);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const page = await response.text();
      expect(page).toContain('lang="de"');
      // Never half-written: the decision from before, or the complete new one.
      expect([prior, clean]).toContainEqual(await decision(invitation.id));

      expect((await tap(pathOf(invitation.links["5"]!))).status).toBe(200);
      expect(await decision(invitation.id), `retry after a failure at statement ${failAt}`).toEqual(clean);
      const { n } = (await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE invitation_id = ?1").bind(invitation.id).first<{ n: number }>())!;
      expect(n).toBe(1);
    }
    expect(completed).toBe(true);
    expect(failAt).toBeGreaterThan(4);
  }, 30_000);
});
