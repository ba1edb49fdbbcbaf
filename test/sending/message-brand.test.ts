import { describe, expect, it } from "vitest";
import { messageTexts, renderMessage } from "../../functions/sending/message";
import type { Survey } from "../../functions/surveys/survey-input";
import { surveyOf } from "../helpers/survey";

/** A survey email with a brand: its logo over the intro, its name over the question, its accent on the buttons. */

const SURVEY: Survey = surveyOf("nps", { locale: "pl" });

const ORIGIN = "https://feedback.example.com/r/AQIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC";
const links = Object.fromEntries(Array.from({ length: 11 }, (_, score) => [score, `${ORIGIN}/${score}`]));

function render(brand: Parameters<typeof renderMessage>[0]["brand"]) {
  const texts = messageTexts({ survey: SURVEY, locale: "pl", name: null, emailFrom: "Acme <surveys@acme.example>" });
  return renderMessage({ survey: SURVEY, texts, to: "anna@example.com", links, unsubscribeUrl: `${ORIGIN}/unsubscribe`, brand });
}

describe("a survey email with a brand", () => {
  it("shows the logo with the brand's name for its text, names who asks and paints the adjusted accent", () => {
    const { html, text } = render({ name: "Acme <Polska>", logo_url: "https://cdn.acme.test/logo.png", accent: "#ffffff" });
    expect(html).toContain('<img src="https://cdn.acme.test/logo.png" alt="Acme &lt;Polska&gt;" height="40"');
    expect(html).toContain(">Acme &lt;Polska&gt; prosi o Twoją opinię</td>");
    // White moves to #949494 for white mail (3.03:1) and #121212 (6.2:1), with near-black text.
    expect(html).toContain('bgcolor="#949494"');
    expect(html).toContain("color:#111111;");
    expect(html).not.toContain("#1a56db");
    expect(text).toContain("Acme <Polska> prosi o Twoją opinię\n");
    // The logo comes before the intro, the name just before the question.
    expect(html.indexOf("<img")).toBeLessThan(html.indexOf("prosi o Twoją opinię"));
  });

  it("is Tapscore's blue with no logo and no name line without one", () => {
    const { html } = render(null);
    expect(html).not.toContain("<img");
    expect(html).toContain('bgcolor="#1a56db"');
    expect(html).not.toContain("prosi o");
  });
});
