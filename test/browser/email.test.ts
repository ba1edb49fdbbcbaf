import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { LOW_CONTRAST_TEXT, type LowContrast } from "./contrast";
import { adminApi, cspRefusals, startServer, startWithBrowser, type Server } from "./harness";

/**
 * The email block as a mail client lays it out, the branded respondent page and the "report coming"
 * page, in Chromium against one `wrangler dev`. Layout facts, not pixels: overflow, button widths and
 * the WCAG contrast of every colour pair the block and the page set, in light and dark.
 */

interface Invited {
  url: string;
  links: Record<string, string>;
  html: string;
}

const PERSON_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
const LOGO = "https://cdn.acme.test/logo.svg";
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#444"/></svg>`;

let server: Server;
let browser: Browser;
const blocks = new Map<string, string>();

/** Three scales; yellow (NPS) and black (CES) are accents no button could use as chosen. */
const SURVEYS = [
  { id: "mail-nps", metric: "nps", locale: "en", brand: { name: "Acme", accent: "#ffff00" } },
  { id: "mail-csat", metric: "csat", locale: "nl", brand: undefined },
  { id: "mail-ces", metric: "ces", scale: { min: 1, max: 7 }, locale: "de", brand: { name: "Zorg & Co", accent: "#000000" } },
] as const;

beforeAll(async () => {
  [server, browser] = await startWithBrowser(startServer());
  for (const survey of SURVEYS) {
    await adminApi(server, "POST", "/api/v1/surveys", { name: survey.id, ...survey });
    const { invitations } = await adminApi<{ invitations: Invited[] }>(server, "POST", `/api/v1/surveys/${survey.id}/invitations`, { recipients: [{ recipient: "r1" }], snippets: true });
    blocks.set(survey.id, invitations[0]!.html);
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function luminance([r, g, b]: number[]): number {
  const [lr, lg, lb] = [r!, g!, b!].map((c) => c / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
}
const rgb = (css: string) => (/rgba?\((\d+), (\d+), (\d+)/.exec(css) ?? []).slice(1).map(Number);
const contrast = (a: string, b: string) => {
  const [hi, lo] = [luminance(rgb(a)), luminance(rgb(b))].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

interface BlockFacts {
  overflow: number;
  text: string;
  page: string;
  buttons: { width: number; height: number; background: string; color: string }[];
}

/** Runs in the page: what the block looks like as laid out (source, so the Node types stay DOM-free). */
const MEASURE_BLOCK = `(() => {
  const buttons = [...document.querySelectorAll("a[title]")].map((a) => {
    const box = a.getBoundingClientRect();
    return { width: box.width, height: box.height, background: getComputedStyle(a.closest("td")).backgroundColor, color: getComputedStyle(a).color };
  });
  return { overflow: document.documentElement.scrollWidth - innerWidth, text: document.body.innerText, page: getComputedStyle(document.body).backgroundColor, buttons };
})()`;

/** A message body as a mail client shows it: a light client's white, or a dark one's #121212 with light text. */
const inbox = (block: string, mode: "light" | "dark") =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Inbox</title></head>` +
  `<body style="margin:0;padding:12px;background:${mode === "light" ? "#ffffff" : "#121212"};color:${mode === "light" ? "#1f1f1f" : "#e8eaed"}"><main><h1 style="font-size:16px">Inbox</h1>${block}</main></body></html>`;

describe("the email block in a mail client", () => {
  it.each([320, 390, 1280])("fits %i px for NPS, CSAT and CES, light and dark, with AA contrast and the brand", async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const mode of ["light", "dark"] as const) {
      for (const survey of SURVEYS) {
        await page.setContent(inbox(blocks.get(survey.id)!, mode));
        const facts = await page.evaluate<BlockFacts>(MEASURE_BLOCK);
        const where = `${survey.id} ${width} px ${mode}`;
        expect(facts.overflow, where).toBeLessThanOrEqual(0);
        expect(facts.buttons.length, where).toBe(survey.metric === "nps" ? 11 : survey.metric === "csat" ? 5 : 7);
        for (const button of facts.buttons) {
          expect(button.width, where).toBeGreaterThanOrEqual(24);
          expect(button.height, where).toBeGreaterThanOrEqual(24);
          expect(contrast(button.color, button.background), where).toBeGreaterThanOrEqual(4.5);
          expect(contrast(button.background, facts.page), where).toBeGreaterThanOrEqual(3);
        }
        // The accent as adjusted for white and #121212 alike (test/surveys/brand.test.ts works them out).
        const expected = { "mail-nps": "rgb(153, 153, 0)", "mail-csat": "rgb(26, 86, 219)", "mail-ces": "rgb(97, 97, 97)" }[survey.id];
        expect(new Set(facts.buttons.map((b) => b.background)), where).toEqual(new Set([expected]));
        if (survey.id === "mail-nps") {
          expect(facts.text, where).toContain("Acme would like your feedback");
          // The ends differ in words, not only in colour or place.
          expect(facts.text, where).toContain("Not at all likely");
          expect(facts.text, where).toContain("Extremely likely");
        }
        if (survey.id === "mail-ces") expect(facts.text, where).toContain("Zorg & Co bittet um Ihr Feedback");
        if (survey.id === "mail-csat") expect(facts.text, where).not.toContain("feedback");
        // Every text of the block, the question and end words included, against the client's background.
        expect(await page.evaluate<LowContrast[]>(LOW_CONTRAST_TEXT), where).toEqual([]);
        // Names, roles and contrast as a screen reader meets them: a worded button's name holds its visible words (WCAG 2.5.3).
        if (width === 320) expect(await axeViolations(page), where).toEqual([]);
      }
    }
    await context.close();
  });
});

interface PageFacts {
  overflow: number;
  brand: string;
  logo: { width: number; height: number; alt: string } | null;
  page: string;
  chosen: { background: string; color: string; border: string };
  send: { background: string; color: string };
}

const MEASURE_PAGE = `(() => {
  const chosen = document.querySelector('.scale button[aria-pressed="true"]');
  const send = document.querySelector("button.send");
  const logo = document.querySelector(".brand img");
  const box = logo?.getBoundingClientRect();
  return {
    overflow: document.documentElement.scrollWidth - innerWidth,
    brand: document.querySelector(".brand p")?.textContent ?? "",
    logo: logo ? { width: box.width, height: box.height, alt: logo.alt } : null,
    page: getComputedStyle(document.body).backgroundColor,
    chosen: { background: getComputedStyle(chosen).backgroundColor, color: getComputedStyle(chosen).color, border: getComputedStyle(chosen).borderTopColor },
    send: { background: getComputedStyle(send).backgroundColor, color: getComputedStyle(send).color },
  };
})()`;

async function brandedPage(width: number, colorScheme: "light" | "dark", recipient: string): Promise<{ page: Page; refused: string[]; close(): Promise<void> }> {
  const { invitations } = await adminApi<{ invitations: Invited[] }>(server, "POST", "/api/v1/surveys/mail-nps/invitations", { recipients: [{ recipient }] });
  const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme, userAgent: PERSON_UA });
  // The logo's host is not on the network: the browser is handed a small image where it would fetch it.
  await context.route(`${LOGO}**`, (route) => route.fulfill({ status: 200, contentType: "image/svg+xml", body: LOGO_SVG }));
  const page = await context.newPage();
  const refused = cspRefusals(page);
  expect((await page.goto(invitations[0]!.links["9"]!))?.status()).toBe(200);
  return { page, refused, close: () => context.close() };
}

describe("the respondent page with a brand", () => {
  beforeAll(async () => {
    await adminApi(server, "PATCH", "/api/v1/surveys/mail-nps", { brand: { logo_url: LOGO } });
  });

  it.each([
    [320, "light", "rgb(153, 153, 0)"],
    [1280, "light", "rgb(153, 153, 0)"],
    [320, "dark", "rgb(255, 255, 0)"],
    [1280, "dark", "rgb(255, 255, 0)"],
  ] as const)("at %i px in %s names Acme, shows its logo and paints the chosen score in the adjusted accent %s, AA throughout", async (width, scheme, accent) => {
    const { page, refused, close } = await brandedPage(width, scheme, `brand-${width}-${scheme}`);
    await page.locator(".brand img").evaluate("(img) => img.decode()");
    const facts = await page.evaluate<PageFacts>(MEASURE_PAGE);
    expect(facts.overflow).toBeLessThanOrEqual(0);
    expect(facts.brand).toBe("Acme would like your feedback");
    expect(facts.logo).toEqual({ width: 120, height: 40, alt: "Acme" });
    expect(facts.chosen.background).toBe(accent);
    expect(facts.send.background).toBe(accent);
    expect(contrast(facts.chosen.color, facts.chosen.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(facts.send.color, facts.send.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(facts.chosen.border, facts.page)).toBeGreaterThanOrEqual(3);
    if (width === 320) expect(await axeViolations(page)).toEqual([]);
    // The logo came from its origin, which the page's policy allows, and nothing was refused.
    expect(refused).toEqual([]);
    await close();
  });
});

describe("a report page the site has not built yet", () => {
  it("says the report is coming for a new public survey, and is the site's 404 page for a private one", async () => {
    await adminApi(server, "POST", "/api/v1/surveys", { id: "brand-new-report", name: "Brand new", metric: "csat", public: true, locale: "sv" });
    await adminApi(server, "POST", "/api/v1/surveys", { id: "private-report", name: "Private", metric: "csat", public: false });
    const context = await browser.newContext({ viewport: { width: 320, height: 800 } });
    const page = await context.newPage();
    const coming = await page.goto(`${server.base}/s/brand-new-report/`);
    expect(coming?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Rapporten kommer");
    expect(await page.evaluate<number>("document.documentElement.scrollWidth - innerWidth")).toBeLessThanOrEqual(0);
    expect(await axeViolations(page)).toEqual([]);
    const hidden = await page.goto(`${server.base}/s/private-report/`);
    expect(hidden?.status()).toBe(404);
    const unknown = await fetch(`${server.base}/s/no-such-report/`);
    expect(await hidden!.text()).toBe(await unknown.text());
    expect(await hidden!.text()).not.toContain("Private");
    await context.close();
  });
});
