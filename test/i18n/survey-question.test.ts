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
  expect(surveyQuestion({ ...survey, question: { en: "Rate {attribute}, please" } }, "en")).toBe("Rate delivery speed, please");
});

it("words a rating's default question as whole sentences that need no article or case for the attribute", () => {
  const rating = (attribute: string) => ({ metric: "rating" as const, locale: "en" as const, attribute, question: {} });
  expect(surveyQuestion(rating("delivery speed"), "en")).toBe("Delivery speed: how satisfied are you?");
  expect(surveyQuestion(rating("Onboarding-Gespräch"), "de")).toBe("Onboarding-Gespräch: Wie zufrieden sind Sie?");
  expect(surveyQuestion(rating("levertijd"), "nl")).toBe("Levertijd: hoe tevreden bent u?");
  expect(surveyQuestion(rating("leveranstid"), "sv")).toBe("Leveranstid: hur nöjd är du?");
  expect(surveyQuestion(rating("czas dostawy"), "pl")).toBe("Czas dostawy: jak to oceniasz?");
  // A survey's own wording keeps the case its author chose.
  expect(surveyQuestion({ ...rating("x"), question: { en: "how was {attribute}?" } }, "en")).toBe("how was x?");
});
