import { describe, expect, it } from "vitest";
import { emailSnippet } from "../../functions/links/email-snippet";
import { LOCALES, type Locale } from "../../functions/i18n/locales";
import { METRICS, SCALES, defaultSatisfiedMin, type Metric, type Scale } from "../../functions/scoring/metrics";
import type { Survey } from "../../functions/surveys/survey-input";

function survey(metric: Metric, overrides: Partial<Survey> = {}): Survey {
  const scale = overrides.scale ?? SCALES[metric][0]!;
  return {
    id: "s",
    name: "Support",
    metric,
    scale,
    satisfied_min: defaultSatisfiedMin(metric, scale),
    headline: "percent",
    question: {},
    locale: "en",
    touchpoint: null,
    attribute: metric === "rating" ? "delivery speed" : null,
    timezone: "UTC",
    segments: [],
    public: false,
    min_public_n: 10,
    target: null,
    benchmark: null,
    follow_up: {},
    email: { sender_name: null, reply_to: null, subject: {}, intro: {} },
    recurrence: null,
    reminder_after_days: null,
    archived: false,
    ...overrides,
  };
}

function linksFor(scale: Scale): Record<number, string> {
  const links: Record<number, string> = {};
  for (let score = scale.min; score <= scale.max; score++) {
    links[score] = `https://feedback.example.com/r/AQIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC/${score}`;
  }
  return links;
}

function snippet(s: Survey, locale: Locale = s.locale) {
  return emailSnippet({ survey: s, locale, links: linksFor(s.scale) });
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

const everyScale = METRICS.flatMap((metric) => SCALES[metric].map((scale) => ({ metric, scale, name: `${metric} ${scale.min}–${scale.max}` })));

describe("emailSnippet", () => {
  it.each(everyScale)("$name has every link exactly once in html and text", ({ metric, scale }) => {
    const links = linksFor(scale);
    const { html, text } = emailSnippet({ survey: survey(metric, { scale }), locale: "en", links });
    expect(count(html, "<a ")).toBe(scale.max - scale.min + 1);
    for (const url of Object.values(links)) {
      expect(count(html, `href="${url}"`), url).toBe(1);
      // Quote and newline delimit the URL so ".../1" is not counted inside ".../10".
      expect(count(html, `${url}"`), url).toBe(1);
      expect(count(text, `${url}\n`), url).toBe(1);
    }
  });

  it.each(everyScale)("$name is email-safe markup", ({ metric, scale }) => {
    const { html } = snippet(survey(metric, { scale }));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<style/i);
    expect(html).not.toMatch(/flex|grid/i);
    expect(html).not.toMatch(/ class=/);
    expect(count(html, "<table")).toBe(count(html, 'role="presentation"'));
    expect(count(html, "<table")).toBe(count(html, "</table>"));
    expect(count(html, "<tr")).toBe(count(html, "</tr>"));
    expect(count(html, "<td")).toBe(count(html, "</td>"));
    expect(count(html, 'bgcolor="')).toBe(scale.max - scale.min + 1);
    for (const [, width, height] of html.matchAll(/<td [^>]*bgcolor="[^"]*" width="(\d+)" height="(\d+)"/g)) {
      expect(Number(width)).toBeGreaterThanOrEqual(44);
      expect(Number(height)).toBeGreaterThanOrEqual(44);
    }
  });

  it("escapes everything that came from the survey", () => {
    const hostile = survey("rating", {
      name: "<b>name</b>",
      attribute: `"quoted" & <img src=x onerror=alert(1)>`,
      question: { en: `<script>alert('x')</script> How "good" is {attribute}?` },
    });
    const { html, text } = snippet(hostile);
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; How &quot;good&quot; is &quot;quoted&quot; &amp; &lt;img src=x onerror=alert(1)&gt;?");
    expect(text.split("\n")[0]).toBe(`<script>alert('x')</script> How "good" is "quoted" & <img src=x onerror=alert(1)>?`);
  });

  it("escapes links too", () => {
    const links = linksFor({ min: 0, max: 10 });
    links[3] = 'https://feedback.example.com/r/x/3?a=1&b="2"';
    const { html } = emailSnippet({ survey: survey("nps"), locale: "en", links });
    expect(html).toContain('href="https://feedback.example.com/r/x/3?a=1&amp;b=&quot;2&quot;"');
  });

  it("puts NPS 0–10 in one row of 11 links with end labels below", () => {
    const { html, text } = snippet(survey("nps"));
    expect(count(html, "<a ")).toBe(11);
    const firstRow = /<table role="presentation" cellpadding="0" cellspacing="4"[^>]*><tr>(.*?)<\/tr>/.exec(html)![1]!;
    expect(count(firstRow, "<a ")).toBe(11);
    expect(html.indexOf(">Not at all likely</td>")).toBeGreaterThan(html.lastIndexOf("</a>"));
    expect(html).toContain('aria-label="0 out of 10: Not at all likely"');
    expect(html).toContain('aria-label="5 out of 10"');
    expect(html).toContain('title="10 out of 10: Extremely likely"');
    expect(text).toContain("0 – Not at all likely: https://");
    expect(text).toContain("\n5: https://");
    expect(text).toContain("10 – Extremely likely: https://");
    expect(new TextEncoder().encode(html).length).toBeLessThan(12 * 1024);
  });

  it("shows the words under each number on worded scales", () => {
    const { html, text } = snippet(survey("csat"));
    for (const label of ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"]) {
      expect(html).toContain(`>${label}</td>`);
    }
    expect(html).toContain('aria-label="5 out of 5: Very satisfied"');
    expect(text).toBe(
      [
        "How satisfied are you with our service?",
        "",
        ...[1, 2, 3, 4, 5].map((s, i) => `${s} – ${["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"][i]}: ${linksFor({ min: 1, max: 5 })[s]}`),
        "",
      ].join("\n"),
    );
    expect(new TextEncoder().encode(html).length).toBeLessThan(12 * 1024);
  });

  it("speaks the requested locale", () => {
    const csat = survey("csat");
    const sv = snippet(csat, "sv");
    expect(sv.html).toContain('lang="sv"');
    expect(sv.html).toContain("Hur nöjd är du med vår service?");
    expect(sv.html).toContain(">Väldigt missnöjd</td>");
    expect(sv.html).toContain('aria-label="5 av 5: Väldigt nöjd"');
    expect(sv.text).toContain("5 – Väldigt nöjd: https://");
    expect(sv.html).not.toContain("Very satisfied");
    const de = snippet(survey("nps"), "de");
    expect(de.html).toContain("Äußerst wahrscheinlich");
    expect(de.text).toContain("0 – Überhaupt nicht wahrscheinlich: ");
    const texts = new Set(LOCALES.map((locale) => snippet(csat, locale).text.split("\n")[0]));
    expect(texts.size).toBe(LOCALES.length);
  });

  it("uses the survey's own question, falling back to its language", () => {
    const s = survey("ces", { locale: "nl", question: { nl: "Hoe makkelijk ging het?" } });
    expect(snippet(s, "nl").text.startsWith("Hoe makkelijk ging het?\n")).toBe(true);
    expect(snippet(s, "pl").text.startsWith("Hoe makkelijk ging het?\n")).toBe(true);
    expect(snippet(s, "pl").text).toContain("7 – Bardzo łatwo: ");
  });

  it("refuses to render with a missing or non-http link", () => {
    const links = linksFor({ min: 1, max: 5 });
    delete links[3];
    expect(() => emailSnippet({ survey: survey("csat"), locale: "en", links })).toThrow(/score 3/);
    expect(() => emailSnippet({ survey: survey("csat"), locale: "en", links: { ...linksFor({ min: 1, max: 5 }), 2: "javascript:alert(1)" } })).toThrow(
      /score 2/,
    );
  });
});
