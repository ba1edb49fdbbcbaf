import { describe, expect, it } from "vitest";
import {
  EMAIL_BACKGROUNDS,
  NEAR_BLACK,
  PAGE_BACKGROUNDS,
  WHITE,
  adaptAccent,
  contrastRatio,
  effectiveBrand,
  installationBrand,
  isLogoUrl,
} from "../../functions/surveys/brand";

/**
 * A brand's accent against WCAG 2.1 AA. The ratio here is WCAG's formula written out again, so the
 * module is checked against it, and every expected colour was worked out by hand: the luminance of
 * each 1 % step towards black or white until text on it reaches 4.5:1 and its shape 3:1 against the
 * background, with the step before shown to fail.
 */

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const ratio = (a: string, b: string) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

describe("the contrast ratio", () => {
  it("is WCAG's, on its own examples", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    // Grey #777 on white just fails AA text (4.48:1); #767676 is the lightest grey that passes (4.54:1).
    expect(contrastRatio("#777777", "#ffffff")).toBeCloseTo(4.48, 2);
    expect(contrastRatio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
    // The old dark-mode accent with white text, as the issue measured it.
    expect(contrastRatio("#ffffff", "#6ea8fe")).toBeCloseTo(2.42, 2);
    expect(contrastRatio("#6ea8fe", "#ffffff")).toBe(contrastRatio("#ffffff", "#6ea8fe"));
  });
});

describe("an accent on the light page (white)", () => {
  const white = [PAGE_BACKGROUNDS.light];

  it("keeps black, with white text (21:1)", () => {
    expect(adaptAccent("#000000", white)).toEqual({ accent: "#000000", text: WHITE });
  });

  it("darkens #777777 one step to #767676, whose white text reaches 4.54:1", () => {
    expect(adaptAccent("#777777", white)).toEqual({ accent: "#767676", text: WHITE });
    expect(ratio(WHITE, "#767676")).toBeGreaterThanOrEqual(4.5);
  });

  it("darkens yellow 40 % to #999900: its shape 3.04:1 on white, near-black text 6.2:1", () => {
    expect(adaptAccent("#ffff00", white)).toEqual({ accent: "#999900", text: NEAR_BLACK });
    expect(ratio("#999900", "#ffffff")).toBeCloseTo(3.04, 2);
    expect(ratio(NEAR_BLACK, "#999900")).toBeCloseTo(6.21, 1);
    // 39 %, #9c9c00: 2.93:1, not yet a visible shape.
    expect(ratio("#9c9c00", "#ffffff")).toBeLessThan(3);
  });

  it("darkens white 42 % to #949494 (3.03:1 on white), with near-black text", () => {
    expect(adaptAccent("#ffffff", white)).toEqual({ accent: "#949494", text: NEAR_BLACK });
    expect(ratio("#949494", "#ffffff")).toBeCloseTo(3.03, 2);
    // 41 %, #969696: 2.96:1.
    expect(ratio("#969696", "#ffffff")).toBeLessThan(3);
  });

  it("darkens the light blue #6ea8fe 11 % to #6296e2 (3.01:1 on white), with near-black text", () => {
    expect(adaptAccent("#6ea8fe", white)).toEqual({ accent: "#6296e2", text: NEAR_BLACK });
    expect(ratio("#6296e2", "#ffffff")).toBeGreaterThanOrEqual(3);
    expect(ratio(NEAR_BLACK, "#6296e2")).toBeCloseTo(6.28, 1);
    // 10 %, #6397e5: 2.96:1.
    expect(ratio("#6397e5", "#ffffff")).toBeLessThan(3);
  });

  it("takes #RRGGBB in capitals as the same colour", () => {
    expect(adaptAccent("#6EA8FE", white)).toEqual({ accent: "#6296e2", text: NEAR_BLACK });
  });
});

describe("an accent on the dark page (#0d1117)", () => {
  const dark = [PAGE_BACKGROUNDS.dark];

  it("keeps the light blue #6ea8fe, with near-black text (7.8:1) where white had 2.4:1", () => {
    expect(adaptAccent("#6ea8fe", dark)).toEqual({ accent: "#6ea8fe", text: NEAR_BLACK });
    expect(ratio(NEAR_BLACK, "#6ea8fe")).toBeCloseTo(7.82, 1);
  });

  it("lightens black 38 % to #616161: 3.06:1 on the dark page, white text 6.2:1", () => {
    expect(adaptAccent("#000000", dark)).toEqual({ accent: "#616161", text: WHITE });
    expect(ratio("#616161", "#0d1117")).toBeCloseTo(3.06, 2);
    // 37 %, #5e5e5e: 2.92:1.
    expect(ratio("#5e5e5e", "#0d1117")).toBeLessThan(3);
  });

  it("keeps white, with near-black text", () => {
    expect(adaptAccent("#ffffff", dark)).toEqual({ accent: "#ffffff", text: NEAR_BLACK });
  });
});

describe("an accent in an email, on white and on a dark client's #121212 at once", () => {
  it("keeps Tapscore's blue #1a56db: 6.2:1 white text, 3.03:1 on #121212", () => {
    expect(adaptAccent("#1a56db", EMAIL_BACKGROUNDS)).toEqual({ accent: "#1a56db", text: WHITE });
    expect(ratio("#1a56db", "#121212")).toBeCloseTo(3.03, 2);
  });

  it("moves black and yellow into the luminance window both backgrounds leave", () => {
    expect(adaptAccent("#000000", EMAIL_BACKGROUNDS)).toEqual({ accent: "#616161", text: WHITE });
    expect(ratio("#616161", "#121212")).toBeCloseTo(3.02, 2);
    expect(adaptAccent("#ffff00", EMAIL_BACKGROUNDS)).toEqual({ accent: "#999900", text: NEAR_BLACK });
  });

  it.each(["#000000", "#ffffff", "#ffff00", "#777777", "#6ea8fe", "#ff0000", "#00ff00", "#0000ff", "#808080", "#c2410c", "#123456", "#fedcba"])(
    "passes AA for %s on both",
    (colour) => {
      const { accent, text } = adaptAccent(colour, EMAIL_BACKGROUNDS);
      expect(ratio(text, accent)).toBeGreaterThanOrEqual(4.5);
      for (const background of EMAIL_BACKGROUNDS) expect(ratio(accent, background)).toBeGreaterThanOrEqual(3);
    },
  );
});

describe("the brand's settings", () => {
  it("takes https logos only, without credentials, up to 500 characters", () => {
    expect(isLogoUrl("https://cdn.example.com/logo.png")).toBe(true);
    expect(isLogoUrl("http://cdn.example.com/logo.png")).toBe(false);
    expect(isLogoUrl("javascript:alert(1)")).toBe(false);
    expect(isLogoUrl("https://user:pw@cdn.example.com/logo.png")).toBe(false);
    expect(isLogoUrl('https://cdn.example.com/a"b.png')).toBe(false);
    expect(isLogoUrl(`https://cdn.example.com/${"a".repeat(476)}`)).toBe(true);
    expect(isLogoUrl(`https://cdn.example.com/${"a".repeat(477)}`)).toBe(false);
  });

  it("reads the installation's vars, leaving out what is not valid", () => {
    expect(installationBrand({ BRAND_NAME: " Acme ", BRAND_LOGO_URL: "https://acme.test/l.svg", BRAND_ACCENT: "#C2410C" })).toEqual({
      name: "Acme",
      logo_url: "https://acme.test/l.svg",
      accent: "#c2410c",
    });
    expect(installationBrand({ BRAND_NAME: "", BRAND_LOGO_URL: "http://acme.test/l.svg", BRAND_ACCENT: "orange" })).toEqual({ name: null, logo_url: null, accent: null });
    expect(installationBrand({})).toEqual({ name: null, logo_url: null, accent: null });
  });

  it("lets a survey's own fields win over the installation's, field by field", () => {
    const installation = { name: "Acme", logo_url: "https://acme.test/l.svg", accent: "#c2410c" };
    expect(effectiveBrand({ name: "Acme Support", logo_url: null, accent: null }, installation)).toEqual({ ...installation, name: "Acme Support" });
    expect(effectiveBrand(undefined, installation)).toEqual(installation);
  });
});
