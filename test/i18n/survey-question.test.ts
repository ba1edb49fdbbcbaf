import { expect, it } from "vitest";
import { surveyQuestion } from "../../functions/i18n/survey-question";

it("prefers the survey's wording in the locale, then in the survey's language, then the default", () => {
  const survey = { metric: "csat" as const, locale: "nl" as const, attribute: null, question: { nl: "Tevreden?", de: "Zufrieden?" } };
  expect(surveyQuestion(survey, "de")).toBe("Zufrieden?");
  expect(surveyQuestion(survey, "sv")).toBe("Tevreden?");
  expect(surveyQuestion({ ...survey, question: {} }, "sv")).toBe("Hur nöjd är du med vår service?");
});

it("fills {attribute} in default and custom questions", () => {
  const survey = { metric: "rating" as const, locale: "en" as const, attribute: "delivery speed", question: {} };
  expect(surveyQuestion(survey, "de")).toBe("Wie zufrieden sind Sie mit delivery speed?");
  expect(surveyQuestion({ ...survey, question: { en: "Rate {attribute}, please" } }, "en")).toBe("Rate delivery speed, please");
});
