import { describe, expect, it } from "vitest";
import { emailSnippet } from "../../functions/links/email-snippet";
import { isWordedScale } from "../../functions/i18n/scale-labels";
import { LOCALES, type Locale } from "../../functions/i18n/locales";
import { METRICS, SCALES, type Metric, type Scale } from "../../functions/scoring/metrics";
import type { Survey } from "../../functions/surveys/survey-input";
import { surveyOf } from "../helpers/survey";

function survey(metric: Metric, overrides: Partial<Survey> = {}): Survey {
  return surveyOf(metric, { id: "s", name: "Support", attribute: metric === "rating" ? "delivery speed" : null, ...overrides });
}

function linksFor(scale: Scale): Record<number, string> {
  const links: Record<number, string> = {};
  for (let score = scale.min; score <= scale.max; score++) {
    links[score] = `https://feedback.example.com/r/AQIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC/${score}`;
  }
  return links;
}

/**
 * The block a person sees: without the one hidden link after it that only scanners follow
 * (functions/respondent/honeypot.ts, tested with the counting rule).
 */
function visibleBlock({ html, text }: { html: string; text: string }) {
  return { html: html.replace(/<a [^>]*tabindex="-1"[^>]*><\/a>$/, ""), text };
}

function snippet(s: Survey, locale: Locale = s.locale) {
  return visibleBlock(emailSnippet({ survey: s, locale, links: linksFor(s.scale) }));
}

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

const everyScale = METRICS.flatMap((metric) => SCALES[metric].map((scale) => ({ metric, scale, name: `${metric} ${scale.min}–${scale.max}` })));

describe("emailSnippet", () => {
  it.each(everyScale)("$name has every link exactly once in html and text", ({ metric, scale }) => {
    const links = linksFor(scale);
    const { html, text } = visibleBlock(emailSnippet({ survey: survey(metric, { scale }), locale: "en", links }));
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
    const heights = [...html.matchAll(/<td [^>]*bgcolor="[^"]*"[^>]* height="(\d+)"/g)].map((match) => Number(match[1]));
    expect(heights).toHaveLength(scale.max - scale.min + 1);
    for (const height of heights) expect(height).toBeGreaterThanOrEqual(44);
  });

  const everyScaleAndLocale = everyScale.flatMap((scale) => LOCALES.map((locale) => ({ ...scale, locale, name: `${scale.name} ${locale}` })));

  /** What every client but Outlook for Windows reads: the block without its conditional comments. */
  const outsideOutlook = (html: string) => html.replace(/<!--\[if mso\]>.*?<!\[endif\]-->/g, "");

  it.each(everyScaleAndLocale)("$name asks for no fixed width: 100% of the screen up to a max-width", ({ metric, scale, locale }) => {
    const { html } = snippet(survey(metric, { scale }), locale);
    const visible = outsideOutlook(html);
    // No width in pixels on any element, neither as an attribute nor as a style; only max-width.
    expect([...visible.matchAll(/ width="([^"]*)"/g)].map((match) => match[1]!).filter((width) => !width.endsWith("%"))).toEqual([]);
    expect(visible).not.toMatch(/[^-]width:\s*\d+px/);
    expect(visible).not.toMatch(/min-width/);
    const outer = /^<table [^>]*>/.exec(visible)![0];
    expect(outer).toContain('width="100%"');
    const maxWidth = Number(/max-width:(\d+)px/.exec(outer)![1]);
    // Outlook for Windows ignores max-width: a table only it reads holds the block at that width.
    expect(html.startsWith(`<!--[if mso]><table role="presentation" width="${maxWidth}" `)).toBe(true);
    expect(html.endsWith("<!--[if mso]></td></tr></table><![endif]-->")).toBe(true);
  });

  it.each(everyScale.filter(({ metric, scale }) => scale.max - scale.min + 1 > 7))(
    "$name keeps one row whose buttons stay at least 24 px wide on a 320 px screen",
    ({ metric, scale }) => {
      const { html } = snippet(survey(metric, { scale }));
      const rowTable = /<table [^>]*cellspacing="(\d+)"[^>]*table-layout:fixed[^>]*><tr>(.*?)<\/tr>/.exec(html)!;
      const spacing = Number(rowTable[1]);
      const buttons = count(rowTable[2]!, "<a ");
      expect(buttons).toBe(scale.max - scale.min + 1);
      // 320 px less 16 px a side for the mail app's margins and the message's own.
      const available = 320 - 2 * 16;
      expect((available - (buttons + 1) * spacing) / buttons).toBeGreaterThanOrEqual(24);
      // Each cell takes an equal share of the row, in percent.
      for (const [, width] of rowTable[2]!.matchAll(/<td [^>]*width="(\d+)%"/g)) expect(Number(width) * buttons).toBeLessThanOrEqual(100);
    },
  );

  it("names both ends in words under an NPS row: the ends differ by more than colour", () => {
    const { html } = snippet(survey("nps"));
    const ends = /<td colspan="11" aria-hidden="true">(.*?)<\/td><\/tr><\/table><\/td><\/tr>/.exec(html)![1]!;
    expect(ends).toContain('<td align="left" valign="top" width="50%"');
    expect(ends).toContain(">Not at all likely</td>");
    expect(ends).toContain('<td align="right" valign="top" width="50%"');
    expect(ends.endsWith(">Extremely likely")).toBe(true);
  });

  it.each(everyScale.filter(({ metric, scale }) => isWordedScale(metric, scale)))("$name stacks one full-width button per score, lowest first", ({ metric, scale }) => {
    const { html } = snippet(survey(metric, { scale }));
    const rows = [...outsideOutlook(html).matchAll(/<tr><td align="left" valign="middle" bgcolor=[^>]*>(.*?)<\/td><\/tr>/g)].map((match) => match[1]!);
    expect(rows).toHaveLength(scale.max - scale.min + 1);
    rows.forEach((row, index) => {
      expect(count(row, "<a ")).toBe(1);
      expect(row).toContain(`<span style="font-weight:bold;">${scale.min + index}</span>&nbsp;&nbsp;`);
    });
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
    const { html } = visibleBlock(emailSnippet({ survey: survey("nps"), locale: "en", links }));
    expect(html).toContain('href="https://feedback.example.com/r/x/3?a=1&amp;b=&quot;2&quot;"');
  });

  it("puts NPS 0–10 in one row of 11 links with end labels below", () => {
    const { html, text } = snippet(survey("nps"));
    expect(count(html, "<a ")).toBe(11);
    const firstRow = /<table role="presentation" width="100%" cellpadding="0" cellspacing="2"[^>]*><tr>(.*?)<\/tr>/.exec(html)![1]!;
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

  it("shows the words next to each number on worded scales", () => {
    const { html, text } = snippet(survey("csat"));
    ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"].forEach((label, index) => {
      expect(html).toContain(`<span style="font-weight:bold;">${index + 1}</span>&nbsp;&nbsp;${label}</a>`);
    });
    // The visible number and words are the name (WCAG 2.5.3, label in name); the hover adds "out of 5".
    expect(html).toContain('title="5 out of 5: Very satisfied" style=');
    expect(html).not.toContain("aria-label=");
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
    expect(sv.html).toContain("&nbsp;&nbsp;Väldigt missnöjd</a>");
    expect(sv.html).toContain('title="5 av 5: Väldigt nöjd"');
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
