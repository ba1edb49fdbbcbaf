import { describe, expect, it } from "vitest";
import { LOCALES } from "../../functions/i18n/locales";
import { placeholders } from "../../functions/i18n/format";
import { COMMENT_MAX_LENGTH } from "../../functions/counting/comment";
import { format, messages, type RespondentMessages } from "../../functions/i18n/respondent-messages";

type Leaf = [path: string, value: unknown];

function leaves(value: unknown, path = ""): Leaf[] {
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, child]) => leaves(child, path ? `${path}.${key}` : key));
  }
  return [[path, value]];
}

const english = new Map(leaves(messages("en")));

describe("respondent messages", () => {
  it.each(LOCALES)("%s has every key of the English catalogue and no other", (locale) => {
    const catalogue = new Map(leaves(messages(locale)));
    expect([...catalogue.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it.each(LOCALES)("%s has no empty or untrimmed strings", (locale) => {
    for (const [path, value] of leaves(messages(locale))) {
      expect(typeof value, path).toBe("string");
      expect((value as string).trim(), path).toBe(value);
      expect((value as string).length, path).toBeGreaterThan(0);
    }
  });

  it.each(LOCALES)("%s uses the same placeholders as English in every template", (locale) => {
    for (const [path, value] of leaves(messages(locale))) {
      expect(placeholders(value as string), `${locale} ${path}`).toEqual(placeholders(english.get(path) as string));
    }
  });

  it("is distinct per language where it must be", () => {
    const titles = new Set(LOCALES.map((locale) => messages(locale).thankYou));
    expect(titles.size).toBe(LOCALES.length);
  });

  it("names all the pages and buttons the respondent flow needs", () => {
    const keys: (keyof RespondentMessages)[] = [
      "pageTitle", "thankYou", "yourAnswer", "changeAnswer", "commentLabel", "commentHint", "sendComment",
      "commentSaved", "done", "editComment", "answerUpdated", "saveAnswer", "confirm", "scoreOutOf",
    ];
    for (const key of keys) expect(messages("sv")[key]).toBeTruthy();
    expect(Object.keys(messages("de").errors).sort()).toEqual(["closed", "crossSite", "expired", "invalid", "serverError", "tooManyRequests", "unfilledLink"]);
  });
});

describe("format", () => {
  it("fills placeholders and formats numbers per locale", () => {
    expect(format(messages("en").commentHint, { max: COMMENT_MAX_LENGTH }, "en")).toBe("Optional, up to 2,000 characters");
    expect(format(messages("de").commentHint, { max: COMMENT_MAX_LENGTH }, "de")).toBe("Optional, höchstens 2.000 Zeichen");
    expect(format(messages("nl").commentHint, { max: COMMENT_MAX_LENGTH }, "nl")).toBe("Optioneel, maximaal 2.000 tekens");
    expect(format(messages("sv").commentHint, { max: COMMENT_MAX_LENGTH }, "sv")).toBe("Valfritt, högst 2\u00a0000 tecken");
    expect(format(messages("pl").scoreOutOf, { score: 4, max: 5 }, "pl")).toBe("4 na 5");
    expect(format(messages("en").yourAnswer, { score: "9" })).toBe("Your answer: 9");
  });

  it("leaves unknown placeholders and does not re-expand inserted values", () => {
    expect(format("{a} {b} {constructor}", { a: "{b}" })).toBe("{b} {b} {constructor}");
  });
});
