import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken, parseLinkSecrets } from "../../functions/links/token";
import { axeViolations } from "./axe";
import { LOW_CONTRAST_TEXT, type LowContrast } from "./contrast";
import { adminApi, cspRefusals, startServer, startWithBrowser, type Server } from "./harness";

interface Invited {
  id: string;
  url: string;
  links: Record<string, string>;
}
interface ResponseRow {
  recipient: string;
  score: number;
  status: string;
  reason: string;
  comment: string | null;
}

/** Headless Chromium says "HeadlessChrome"; a person's Chrome does not. */
const PERSON_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await startWithBrowser(startServer());
  await adminApi(server, "POST", "/api/v1/surveys", { id: "support", name: "Support", metric: "csat", locale: "en" });
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function invite(recipients: Record<string, unknown>[]): Promise<Invited[]> {
  return (await adminApi<{ invitations: Invited[] }>(server, "POST", "/api/v1/surveys/support/invitations", { recipients })).invitations;
}

async function responses(): Promise<Map<string, ResponseRow>> {
  const { responses } = await adminApi<{ responses: ResponseRow[] }>(server, "GET", "/api/v1/surveys/support/responses");
  return new Map(responses.map((r) => [r.recipient, r]));
}

describe("a person in Chromium", () => {
  it("taps a score, changes it, leaves a comment: counted with the final choice, accessible throughout", async () => {
    const [invitation] = await invite([{ recipient: "alice" }]);
    const context = await browser.newContext({ locale: "en-GB", userAgent: PERSON_UA });
    const page = await context.newPage();
    const refused = cspRefusals(page);

    const tapped = await page.goto(invitation!.links["4"]!);
    expect(tapped?.status()).toBe(200);
    await expect(page.locator("h1").textContent()).resolves.toBe("Thank you!");
    expect(await page.getByRole("button", { name: "4 out of 5: Satisfied" }).getAttribute("aria-pressed")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);
    expect((await responses()).get("alice")).toMatchObject({ score: 4, status: "counted" });

    await page.getByRole("button", { name: "2 out of 5: Dissatisfied" }).click();
    await page.waitForLoadState();
    expect(await page.getByRole("button", { name: "2 out of 5: Dissatisfied" }).getAttribute("aria-pressed")).toBe("true");
    expect((await responses()).get("alice")).toMatchObject({ score: 2, status: "counted", reason: "confirmed" });

    await page.getByLabel("What went wrong, and what could we do better?").fill("The <script>alert(1)</script> wait was long");
    await page.getByRole("button", { name: "Send comment" }).click();
    await page.waitForLoadState();
    expect(await page.getByText("Your comment has been saved.").count()).toBe(1);
    expect(await page.locator("textarea").inputValue()).toBe("The <script>alert(1)</script> wait was long");
    expect(await axeViolations(page)).toEqual([]);
    expect((await responses()).get("alice")).toMatchObject({ score: 2, comment: "The <script>alert(1)</script> wait was long" });
    expect(refused).toEqual([]);
    await context.close();
  });

  it("is counted without JavaScript too", async () => {
    const [invitation] = await invite([{ recipient: "bob" }]);
    const context = await browser.newContext({ javaScriptEnabled: false, userAgent: PERSON_UA });
    const page = await context.newPage();
    const refused = cspRefusals(page);
    await page.goto(invitation!.links["5"]!);
    await page.getByRole("button", { name: "3 out of 5: Neutral" }).click();
    await page.waitForLoadState();
    expect((await responses()).get("bob")).toMatchObject({ score: 3, status: "counted" });
    expect(refused).toEqual([]);
    await context.close();
  });

  it("sees the bare scale at the invitation's plain URL with no axe violations", async () => {
    const [invitation] = await invite([{ recipient: "carol", locale: "sv" }]);
    const context = await browser.newContext({ userAgent: PERSON_UA });
    const page = await context.newPage();
    const refused = cspRefusals(page);
    await page.goto(invitation!.url);
    expect(await page.locator("html").getAttribute("lang")).toBe("sv");
    expect(await page.getByRole("button").count()).toBe(5);
    expect(await axeViolations(page)).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });
});

describe("what is not a person", () => {
  it("a scanner fetching every link of another invitation is not counted", async () => {
    const [invitation] = await invite([{ recipient: "scanned" }]);
    await Promise.all(
      Object.values(invitation!.links).map((link) =>
        fetch(link, { headers: { "user-agent": PERSON_UA } }),
      ),
    );
    await fetch(invitation!.links["1"]!, { method: "HEAD" });
    expect((await responses()).get("scanned")).toMatchObject({ status: "suspected", reason: "sweep" });
  });

  it("forged and expired links get a localized page with a 4xx", async () => {
    const [invitation] = await invite([{ recipient: "dave", locale: "de" }]);
    const context = await browser.newContext({ locale: "nl-NL", userAgent: PERSON_UA });
    const page = await context.newPage();
    const refused = cspRefusals(page);
    const token = new URL(invitation!.url).pathname.split("/")[2]!;
    const forged = `${server.base}/r/${token.slice(0, 20)}${token[20] === "A" ? "B" : "A"}${token.slice(21)}/5`;
    expect((await page.goto(forged))?.status()).toBe(404);
    expect(await page.locator("html").getAttribute("lang")).toBe("nl");
    expect(await axeViolations(page)).toEqual([]);

    const expired = await signToken(parseLinkSecrets(server.linkSecret), { invitationId: invitation!.id, expiresAt: Date.now() - 60_000 });
    expect((await page.goto(`${server.base}/r/${expired}/5`))?.status()).toBe(410);
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect((await responses()).has("dave")).toBe(false);
    expect(refused).toEqual([]);
    await context.close();
  });
});

describe("the respondent page's layout", () => {
  interface Layout {
    overflow: number;
    widths: number[];
    rows: number[][];
    ends: { left: number; right: number; scaleLeft: number; scaleRight: number };
  }

  /** Facts of the bare scale as laid out: overflow past the viewport, each button's width, the scores per row, where the end labels sit. */
  async function layoutOf(survey: string, width: number, colorScheme: "light" | "dark"): Promise<Layout> {
    const [invited] = (await adminApi<{ invitations: Invited[] }>(server, "POST", `/api/v1/surveys/${survey}/invitations`, { recipients: [{ recipient: `layout-${width}-${colorScheme}` }] })).invitations;
    const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme, userAgent: PERSON_UA });
    const page = await context.newPage();
    await page.goto(invited!.url);
    const box = async (selector: string, index: number) => (await page.locator(selector).nth(index).boundingBox())!;
    const count = await page.locator(".scale button").count();
    const buttons = await Promise.all(
      Array.from({ length: count }, async (_, i) => ({ score: Number(await page.locator(".scale button").nth(i).getAttribute("value")), box: await box(".scale button", i) })),
    );
    const rows = new Map<number, number[]>();
    for (const { score, box: b } of buttons) rows.set(Math.round(b.y), [...(rows.get(Math.round(b.y)) ?? []), score]);
    const [left, right, scale] = [await box(".ends span", 0), await box(".ends span", 1), await box(".scale", 0)];
    const layout: Layout = {
      overflow: (await page.evaluate<number>("document.documentElement.scrollWidth")) - width,
      widths: buttons.map(({ box: b }) => Math.round(b.width)),
      rows: [...rows.values()],
      ends: { left: left.x, right: right.x + right.width, scaleLeft: scale.x, scaleRight: scale.x + scale.width },
    };
    await context.close();
    return layout;
  }

  beforeAll(async () => {
    await adminApi(server, "POST", "/api/v1/surveys", { id: "layout-nps", name: "NPS", metric: "nps", locale: "nl" });
    await adminApi(server, "POST", "/api/v1/surveys", { id: "layout-csat", name: "CSAT", metric: "csat", locale: "de" });
  });

  it.each([320, 390, 1280])("puts NPS 0–10 on equal buttons without overflow at %i px, in two rows 0–5 and 6–10 only where one cannot fit", async (width) => {
    for (const scheme of ["light", "dark"] as const) {
      const layout = await layoutOf("layout-nps", width, scheme);
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(Math.max(...layout.widths) - Math.min(...layout.widths)).toBeLessThanOrEqual(1);
      expect(Math.min(...layout.widths)).toBeGreaterThanOrEqual(24);
      expect(layout.rows).toEqual(width < 384 ? [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10]] : [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
      // "Zeer waarschijnlijk" ends where the scale ends, not under the middle.
      expect(layout.ends.left).toBeCloseTo(layout.ends.scaleLeft, 0);
      expect(layout.ends.right).toBeCloseTo(layout.ends.scaleRight, 0);
    }
  });

  it("puts a worded scale in one row of equal buttons at 320 px", async () => {
    const layout = await layoutOf("layout-csat", 320, "light");
    expect(layout.overflow).toBeLessThanOrEqual(0);
    expect(layout.rows).toEqual([[1, 2, 3, 4, 5]]);
    expect(Math.max(...layout.widths) - Math.min(...layout.widths)).toBeLessThanOrEqual(1);
  });
});

describe("the respondent's pages at 320, 390 and 1280 px, light and dark", () => {
  beforeAll(async () => {
    await adminApi(server, "POST", "/api/v1/surveys", { id: "pages-nps", name: "NPS", metric: "nps", locale: "nl" });
  });

  /** What a person notices on each page: sideways scrolling and text too faint to read. */
  async function looksRight(page: import("playwright-core").Page, where: string): Promise<void> {
    expect((await page.evaluate<number>("document.documentElement.scrollWidth - innerWidth")), where).toBeLessThanOrEqual(0);
    expect(await page.evaluate<LowContrast[]>(LOW_CONTRAST_TEXT), where).toEqual([]);
  }

  it.each([320, 390, 1280])("at %i px: a 9 is asked what they liked, a 3 what went wrong, and a comment ends the page with a way back to it", async (width) => {
    for (const colorScheme of ["light", "dark"] as const) {
      const where = `${width} px ${colorScheme}`;
      const [invited] = (
        await adminApi<{ invitations: Invited[] }>(server, "POST", "/api/v1/surveys/pages-nps/invitations", { recipients: [{ recipient: `pages-${width}-${colorScheme}`, email: `pages-${width}-${colorScheme}@example.com` }] })
      ).invitations;
      const context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme, userAgent: PERSON_UA });
      const page = await context.newPage();

      await page.goto(invited!.links["9"]!);
      // The follow-up by sentiment, in the survey's language (the Dutch defaults, written out here).
      expect(await page.getByLabel("Fijn om te horen! Wat vond u het beste?").count(), where).toBe(1);
      await looksRight(page, `${where}, after a tap`);
      if (width === 320) expect(await axeViolations(page), where).toEqual([]);

      await page.getByRole("button", { name: /^3\b/ }).click();
      await page.waitForLoadState();
      const comment = page.getByLabel("Wat ging er mis, en wat kunnen we beter doen?");
      expect(await comment.count(), where).toBe(1);
      await comment.fill("De wachttijd was lang");
      await page.getByRole("button", { name: "Opmerking versturen" }).click();
      await page.waitForLoadState();

      // Finished: a plain last word, the comment tucked away to edit, the score still changeable.
      expect(await page.getByText("Dat was het — bedankt! U kunt deze pagina sluiten.").count(), where).toBe(1);
      expect(await page.getByText("Uw opmerking aanpassen").count(), where).toBe(1);
      expect(await page.locator("textarea").isVisible(), where).toBe(false);
      expect(await page.getByRole("button", { name: /^3\b/ }).getAttribute("aria-pressed"), where).toBe("true");
      await looksRight(page, `${where}, finished`);
      if (width === 320) expect(await axeViolations(page), where).toEqual([]);

      // The other pages a person may meet: a link that is not ours, and the unsubscribe page.
      const token = new URL(invited!.url).pathname.split("/")[2]!;
      expect((await page.goto(`${server.base}/r/${token.slice(0, 20)}${token[20] === "A" ? "B" : "A"}${token.slice(21)}/5`))?.status(), where).toBe(404);
      await looksRight(page, `${where}, a forged link`);
      expect((await page.goto(`${server.base}/r/${token}/unsubscribe`))?.status(), where).toBe(200);
      await looksRight(page, `${where}, unsubscribe`);
      await context.close();
    }
  });
});
