import { describe, expect, it } from "vitest";
import { LOCALES } from "../../functions/i18n/locales";
import { UNSUBSCRIBE_MESSAGES, unsubscribePage } from "../../functions/respondent/unsubscribe-page";

describe("the unsubscribe pages' wording", () => {
  it.each(LOCALES.filter((l) => l !== "en"))("%s has every text, in its own words", (locale) => {
    const text = UNSUBSCRIBE_MESSAGES[locale];
    for (const [key, value] of Object.entries(text)) {
      expect(value.trim(), `${locale}.${key}`).not.toBe("");
      expect(value, `${locale}.${key}`).not.toBe(UNSUBSCRIBE_MESSAGES.en[key as keyof typeof text]);
    }
  });

  it("offers the button only before unsubscribing, in the page's language", () => {
    expect(unsubscribePage("confirm", "sv", "tok").match(/<button/g)).toHaveLength(1);
    expect(unsubscribePage("done", "sv", "tok")).not.toContain("<button");
    expect(unsubscribePage("noEmail", "sv", "tok")).not.toContain("<button");
    expect(unsubscribePage("done", "sv", "tok")).toContain('<html lang="sv">');
    expect(unsubscribePage("done", "sv", "tok")).toContain("Du är avregistrerad");
  });

  it("posts back to its own link, the token encoded", () => {
    expect(unsubscribePage("confirm", "en", "a/b\"c")).toContain('action="/r/a%2Fb%22c/unsubscribe"');
  });
});
