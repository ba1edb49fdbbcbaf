import { rmSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { startWithBrowser } from "./harness";
import { buildSite } from "./site-build";
import { serveStatic, type StaticServer } from "./static-server";

let dist: string;
let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  dist = await buildSite();
  [server, browser] = await startWithBrowser(serveStatic(dist));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

const PAGES = [
  { path: "/", charts: 0, h1: "How our customers rate us" },
  { path: "/s/support/", charts: 2, h1: "Support satisfaction" },
  { path: "/s/nps-nl/", charts: 3, h1: "Aanbeveling" },
  { path: "/internal/", charts: 4, h1: "All surveys" },
  { path: "/internal/s/support/", charts: 10, h1: "Support satisfaction" },
  { path: "/internal/s/onboarding-effort/", charts: 5, h1: "Onboarding" },
];

describe("report pages in Chromium", () => {
  for (const { path, charts, h1 } of PAGES) {
    for (const colorScheme of ["light", "dark"] as const) {
      it(`${path} (${colorScheme}): loads, shows its charts with titles, has no axe violations`, async () => {
        const context = await browser.newContext({ colorScheme, javaScriptEnabled: true });
        const page = await context.newPage();
        const response = await page.goto(server.base + path);
        expect(response?.status()).toBe(200);
        expect((await page.locator("h1").textContent())?.trim()).toBe(h1);
        const svgs = page.locator("svg[role=img]");
        expect(await svgs.count()).toBeGreaterThanOrEqual(charts);
        for (const svg of await svgs.all()) {
          expect((await svg.locator("title").first().textContent())?.length).toBeGreaterThan(5);
          const box = await svg.boundingBox();
          expect(box?.width).toBeGreaterThan(20);
        }
        expect(await axeViolations(page)).toEqual([]);
        await context.close();
      });
    }
  }

  it("shows a comment containing <script> as text, and runs nothing", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${server.base}/internal/s/support/`);
    const comment = page.locator("blockquote.comment").filter({ hasText: "<script>alert(1)</script>" });
    await expect(comment.count()).resolves.toBe(1);
    expect(await page.locator("script").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("fits a phone: no sideways scrolling on the public and internal survey pages", async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    for (const path of ["/s/support/", "/internal/s/support/"]) {
      await page.goto(server.base + path);
      // Runs in the page; kept as source so Node types stay DOM-free.
      const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await context.close();
  });

  it("prints the data tables that hide behind disclosures on screen", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/s/support/`);
    const table = page.locator("figure.chart table").first();
    expect(await table.isVisible()).toBe(false);
    await page.emulateMedia({ media: "print" });
    expect(await table.isVisible()).toBe(true);
    await context.close();
  });

  it("serves the badge as an SVG image with a title", async () => {
    const response = await fetch(`${server.base}/s/support/badge.svg`);
    expect(response.headers.get("content-type")).toContain("image/svg+xml");
    expect(await response.text()).toMatch(/<title id="t">Support satisfaction: CSAT/);
  });
});
