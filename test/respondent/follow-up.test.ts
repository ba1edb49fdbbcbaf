import { beforeAll, describe, expect, it } from "vitest";
import { followUpQuestion, sentimentOf } from "../../functions/surveys/follow-up";
import { api } from "../helpers/api";
import { createSurvey, invite, visit } from "../helpers/respondent";

/**
 * The question after a score asks by how the score feels: a 5 of 5 is asked what was liked, not what
 * could be better. The bands are written out by hand for each scale Tapscore has.
 */

const bands = (survey: Parameters<typeof sentimentOf>[0]) => {
  const out: Record<string, number[]> = { low: [], middle: [], high: [] };
  for (let score = survey.scale.min; score <= survey.scale.max; score++) out[sentimentOf(survey, score)]!.push(score);
  return out;
};

describe("the sentiment of a score", () => {
  it("splits NPS into detractors, passives and promoters", () => {
    expect(bands({ metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 9 })).toEqual({ low: [0, 1, 2, 3, 4, 5, 6], middle: [7, 8], high: [9, 10] });
  });

  it("puts the point below good in the middle on five- and seven-point scales", () => {
    expect(bands({ metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 4 })).toEqual({ low: [1, 2], middle: [3], high: [4, 5] });
    expect(bands({ metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5 })).toEqual({ low: [1, 2, 3], middle: [4], high: [5, 6, 7] });
    expect(bands({ metric: "csat", scale: { min: 1, max: 7 }, satisfied_min: 6 })).toEqual({ low: [1, 2, 3, 4], middle: [5], high: [6, 7] });
  });

  it("keeps two points in the middle on a ten-point scale, and follows a survey's own satisfied_min", () => {
    expect(bands({ metric: "csat", scale: { min: 1, max: 10 }, satisfied_min: 9 })).toEqual({ low: [1, 2, 3, 4, 5, 6], middle: [7, 8], high: [9, 10] });
    expect(bands({ metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 5 })).toEqual({ low: [1, 2, 3], middle: [4], high: [5] });
  });
});

describe("the follow-up question", () => {
  const survey = { metric: "csat" as const, scale: { min: 1, max: 5 }, satisfied_min: 4, locale: "nl" as const, follow_up: {}, follow_ups: {} };

  it("is the default for the sentiment, in the page's language", () => {
    expect(followUpQuestion(survey, 1, "en")).toBe("What went wrong, and what could we do better?");
    expect(followUpQuestion(survey, 3, "de")).toBe("Was hätte es besser gemacht?");
    expect(followUpQuestion(survey, 5, "nl")).toBe("Fijn om te horen! Wat vond u het beste?");
  });

  it("is the survey's own for the sentiment, else its one follow-up, else the default", () => {
    const own = { ...survey, follow_up: { nl: "Toelichting?" }, follow_ups: { high: { en: "What made your day?" } } };
    expect(followUpQuestion(own, 5, "en")).toBe("What made your day?");
    // No English follow-up for a low score: the survey's one follow-up, in the survey's language.
    expect(followUpQuestion(own, 1, "en")).toBe("Toelichting?");
    expect(followUpQuestion({ ...survey, follow_ups: { low: { nl: "Wat ging er mis?" } } }, 2, "sv")).toBe("Wat ging er mis?");
  });
});

describe("on the respondent page", () => {
  beforeAll(async () => {
    await createSurvey("follow-ups", { follow_ups: { low: { en: "Sorry! What happened?" } } });
  });

  it("asks a low score the survey's question for it, and a high score the default for high scores", async () => {
    const { invitations } = await invite("follow-ups", [{ recipient: "low" }, { recipient: "high" }]);
    const low = await (await visit(invitations[0]!.links["1"]!)).text();
    expect(low).toContain('<label for="comment">Sorry! What happened?</label>');
    const high = await (await visit(invitations[1]!.links["5"]!)).text();
    expect(high).toContain('<label for="comment">Glad to hear it! What did you like most?</label>');
    expect(high).not.toContain("could we do better");
  });

  it("is kept and shown by the surveys API, and refused in a language Tapscore does not speak", async () => {
    const survey = (await (await api("GET", "/api/v1/surveys/follow-ups")).json()) as { follow_ups: unknown };
    expect(survey.follow_ups).toEqual({ low: { en: "Sorry! What happened?" } });
    const refused = await api("PATCH", "/api/v1/surveys/follow-ups", { body: { follow_ups: { high: { fr: "Super ?" } } } });
    expect(refused.status).toBe(400);
  });
});
