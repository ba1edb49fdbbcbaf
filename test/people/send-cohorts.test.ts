import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { createSurvey, invite } from "../helpers/respondent";
import { insertResponse, insertSend } from "./rows";

const SURVEY = "cohort-amsterdam";

async function sendsOf(query: string, survey = SURVEY) {
  const response = await api("GET", `/api/v1/surveys/${survey}/metrics${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { sends: { sent: number; answered: number; rate: number | null } }).sends;
}

beforeAll(async () => {
  await createSurvey(SURVEY, { timezone: "Europe/Amsterdam" });
  await createSurvey("cohort-other");
  const { invitations } = await invite(SURVEY, ["a", "b", "c", "d", "e", "f", "g"].map((r) => ({ recipient: `cohort-${r}`, email: `cohort-${r}@example.com` })));
  const [a, b, c, d, e, f, g] = invitations.map((i) => i.id);
  const [other] = (await invite("cohort-other", [{ recipient: "cohort-x", email: "cohort-x@example.com" }])).invitations;
  const send = (id: string, invitation: string | undefined, status: "sent" | "scheduled" | "failed", sentAt: number | null, survey = SURVEY) =>
    insertSend({ id, survey_id: survey, invitation_id: invitation ?? null, recipient: id, email: `${id}@example.com`, status, send_at: sentAt ?? Date.UTC(2026, 2, 12), sent_at: sentAt });

  // Sent on local 2026-03-10 and 11 (Amsterdam is UTC+1 in March until the 29th).
  await send("snd_c1", a, "sent", Date.UTC(2026, 2, 10, 8)); // answered, counted
  await send("snd_c2", b, "sent", Date.UTC(2026, 2, 10, 9)); // answered, but a scanner's: not counted
  await send("snd_c3", c, "sent", Date.UTC(2026, 2, 10, 22, 59)); // not answered; still the 10th locally (23:59)
  await send("snd_c4", d, "sent", Date.UTC(2026, 2, 10, 23, 30)); // answered; already the 11th locally (00:30)
  await send("snd_c5", e, "scheduled", null); // not sent: never in a cohort
  await send("snd_c6", f, "failed", null);
  await send("snd_c7", g, "sent", Date.UTC(2026, 2, 9, 22, 30)); // answered; the 9th at 23:30 locally
  await send("snd_c8", other!.id, "sent", Date.UTC(2026, 2, 10, 8), "cohort-other"); // another survey's
  // A reminder for a's invitation: a message of its own, answered with the invitation.
  await send("snd_c9", a, "sent", Date.UTC(2026, 2, 11, 8));

  await insertResponse(a!, SURVEY, "counted", Date.UTC(2026, 2, 12, 8));
  await insertResponse(b!, SURVEY, "suspected", Date.UTC(2026, 2, 10, 9, 1));
  await insertResponse(d!, SURVEY, "counted", Date.UTC(2026, 2, 11, 7));
  await insertResponse(g!, SURVEY, "counted", Date.UTC(2026, 2, 10, 7));
  await insertResponse(other!.id, "cohort-other", "counted", Date.UTC(2026, 2, 10, 9));
});

describe("response rate per send cohort", () => {
  it("counts the messages sent on the range's local days and those answered with a counted response", async () => {
    expect(await sendsOf("?from=2026-03-10&to=2026-03-10")).toEqual({ sent: 3, answered: 1, rate: 1 / 3 });
    expect(await sendsOf("?from=2026-03-11&to=2026-03-11")).toEqual({ sent: 2, answered: 2, rate: 1 });
    expect(await sendsOf("?from=2026-03-09&to=2026-03-11")).toEqual({ sent: 6, answered: 4, rate: 4 / 6 });
  });

  it("is zero with a null rate when nothing was sent in the range", async () => {
    expect(await sendsOf("?from=2026-03-12&to=2026-03-20")).toEqual({ sent: 0, answered: 0, rate: null });
  });

  it("is the survey's own", async () => {
    expect(await sendsOf("?from=2026-03-10&to=2026-03-10", "cohort-other")).toEqual({ sent: 1, answered: 1, rate: 1 });
  });
});
