/**
 * Who is asking: an organization name, an https logo and an accent colour, set per survey or for the
 * whole installation (BRAND_NAME, BRAND_LOGO_URL, BRAND_ACCENT), and the accent made safe to use.
 *
 * Whatever colour a survey picks, the pages and emails stay within WCAG 2.1 AA: the text written on the
 * accent (white or near-black, whichever contrasts more) reaches 4.5:1, and the accent itself reaches
 * 3:1 against every background it sits on (1.4.11: a button's shape must be seen). A colour that
 * cannot is moved towards black or white in small steps until it can, so it stays as near the chosen
 * hue as the rule allows. Pure: no I/O.
 */

export interface Brand {
  name: string | null;
  /** An https URL, shown as an image; the respondent page's CSP allows its origin only. */
  logo_url: string | null;
  /** `#rrggbb`, lowercase. */
  accent: string | null;
}

export const NO_BRAND: Brand = { name: null, logo_url: null, accent: null };

export const BRAND_NAME_MAX = 100;
export const LOGO_URL_MAX = 500;
export const HEX_COLOUR = /^#[0-9a-f]{6}$/i;

/**
 * An https URL a page may load as an image: no credentials, no whitespace or characters that would
 * need escaping to sit in an attribute or a CSP source, at most LOGO_URL_MAX characters.
 */
export function isLogoUrl(text: string): boolean {
  if (text.length > LOGO_URL_MAX || /[\s"'<>\\`]/.test(text)) return false;
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname !== "" && url.username === "" && url.password === "";
  } catch {
    return false;
  }
}

/** The logo's origin, the one image source a page showing it allows (its CSP's img-src). */
export function logoOrigin(brand: Brand | null | undefined): string | null {
  return brand?.logo_url ? new URL(brand.logo_url).origin : null;
}

/** The installation's defaults from its vars; a value that is not valid is ignored rather than shown. */
export function installationBrand(vars: { BRAND_NAME?: string; BRAND_LOGO_URL?: string; BRAND_ACCENT?: string }): Brand {
  const name = vars.BRAND_NAME?.trim() ?? "";
  const logo = vars.BRAND_LOGO_URL?.trim() ?? "";
  const accent = vars.BRAND_ACCENT?.trim() ?? "";
  return {
    name: name !== "" && [...name].length <= BRAND_NAME_MAX && !/\p{Cc}/u.test(name) ? name : null,
    logo_url: isLogoUrl(logo) ? logo : null,
    accent: HEX_COLOUR.test(accent) ? accent.toLowerCase() : null,
  };
}

/** The survey's own brand, field by field, over the installation's. */
export function effectiveBrand(survey: Partial<Brand> | undefined, installation: Brand): Brand {
  return {
    name: survey?.name ?? installation.name,
    logo_url: survey?.logo_url ?? installation.logo_url,
    accent: survey?.accent ?? installation.accent,
  };
}

export const WHITE = "#ffffff";
export const NEAR_BLACK = "#111111";
/** WCAG 1.4.3 (text) and 1.4.11 (a component's shape). */
export const TEXT_CONTRAST_MIN = 4.5;
export const SHAPE_CONTRAST_MIN = 3;

const channels = (hex: string): [number, number, number] => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
const toHex = (rgb: readonly number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;

/** WCAG 2.x relative luminance of an sRGB colour `#rrggbb`. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.x contrast ratio, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export interface AccentColours {
  /** The accent to paint: the chosen one when it passes, else the nearest step that does. */
  accent: string;
  /** White or near-black: the text written on the accent. */
  text: string;
}

/** The text colour that contrasts more with `accent`. */
export function textOn(accent: string): string {
  return contrastRatio(WHITE, accent) >= contrastRatio(NEAR_BLACK, accent) ? WHITE : NEAR_BLACK;
}

function passes(accent: string, backgrounds: readonly string[]): AccentColours | null {
  const text = textOn(accent);
  if (contrastRatio(text, accent) < TEXT_CONTRAST_MIN) return null;
  return backgrounds.every((background) => contrastRatio(accent, background) >= SHAPE_CONTRAST_MIN) ? { accent, text } : null;
}

/** `hex` moved `percent` of the way towards `target` (black or white), channel by channel, rounded. */
function mix(hex: string, target: 0 | 255, percent: number): string {
  return toHex(channels(hex).map((c) => Math.round(c + ((target - c) * percent) / 100)));
}

/**
 * The accent and its text colour for buttons drawn on each of `backgrounds`: the accent as chosen if
 * it passes, else the fewest 1 % steps towards black (tried first at each step) or white that pass.
 * Darker and lighter reach every luminance between the colour's own and 0 or 1, so some step passes
 * for any background a page uses (a window of luminance passes whenever white text or near-black text
 * and the backgrounds leave one; white #ffffff with #121212 does, as does #0d1117 alone).
 */
export function adaptAccent(accent: string, backgrounds: readonly string[]): AccentColours {
  const chosen = accent.toLowerCase();
  for (let step = 0; step <= 100; step++) {
    const found = passes(mix(chosen, 0, step), backgrounds) ?? passes(mix(chosen, 255, step), backgrounds);
    if (found) return found;
  }
  throw new RangeError(`No step of ${accent} meets AA on ${backgrounds.join(", ")}.`);
}

/** The respondent page's backgrounds (functions/respondent/page.ts: --bg, light and dark). */
export const PAGE_BACKGROUNDS = { light: "#ffffff", dark: "#0d1117" } as const;
/** The backgrounds an email block may land on: a light client's white, a dark client's near-black. */
export const EMAIL_BACKGROUNDS = ["#ffffff", "#121212"] as const;
