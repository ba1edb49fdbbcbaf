import { describe, expect, it } from "vitest";
import { STYLE, brandStyle } from "../../functions/respondent/page";

/**
 * The respondent page's colours, light and dark, against WCAG 2.1 AA: 4.5:1 for text. The ratio is
 * WCAG's formula (relative luminance of sRGB), written out here; the pairs are the ones the page's
 * style sets: text, muted text and the accent border on the background, and the chosen score's and
 * the send button's text on the accent.
 */

function luminance(hex: string): number {
  const full = hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join("")}` : hex;
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(full.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

function variables(block: string): Record<string, string> {
  return Object.fromEntries([...block.matchAll(/--([\w-]+):(#[0-9a-f]{3,6})/gi)].map((m) => [m[1]!, m[2]!]));
}

const light = variables(/^:root\{([^}]*)\}/.exec(STYLE)![1]!);
const dark = { ...light, ...variables(/prefers-color-scheme:dark\)\{:root\{([^}]*)\}/.exec(STYLE)![1]!) };

describe("the respondent page's colours", () => {
  it("checks the formula against WCAG's own examples", () => {
    expect(contrast("#000", "#fff")).toBeCloseTo(21, 5);
    expect(contrast("#777", "#fff")).toBeCloseTo(4.48, 2);
  });

  it.each([
    ["light", light],
    ["dark", dark],
  ])("meet AA in %s mode", (_mode, colours) => {
    expect(contrast(colours.fg!, colours.bg!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colours.muted!, colours.bg!)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colours["on-accent"]!, colours.accent!)).toBeGreaterThanOrEqual(4.5);
    // The score buttons' border tells them from the page: 3:1 for a component's boundary (WCAG 1.4.11).
    expect(contrast(colours.accent!, colours.bg!)).toBeGreaterThanOrEqual(3);
  });

  it("writes text on the accent in the on-accent colour only", () => {
    expect(STYLE).not.toMatch(/background:var\(--accent\);color:#/);
  });
});

describe("a brand's accent on the respondent page", () => {
  it.each(["#ffff00", "#000000", "#ffffff", "#777777", "#6ea8fe", "#c2410c"])("keeps AA with %s in light and dark mode", (accent) => {
    const style = brandStyle(accent);
    const brandLight = { ...light, ...variables(/^:root\{([^}]*)\}/.exec(style)![1]!) };
    const brandDark = { ...dark, ...variables(/prefers-color-scheme:dark\)\{:root\{([^}]*)\}/.exec(style)![1]!) };
    for (const colours of [brandLight, brandDark]) {
      expect(contrast(colours["on-accent"]!, colours.accent!)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(colours.accent!, colours.bg!)).toBeGreaterThanOrEqual(3);
    }
    // Text on the page is never written in the accent, which is only promised 3:1 against it.
    expect(STYLE).not.toMatch(/[;{]color:var\(--accent\)/);
  });
});
