import { rmSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { startServer, startWithBrowser, type Server } from "./harness";
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

/**
 * The headers of site/public/_headers, as Workers Static Assets applies them: the same fixture build
 * served by a real `wrangler dev`, whose asset server reads the built _headers as deployment does.
 */
describe("security headers of the static site under wrangler dev", () => {
  let worker: Server;

  beforeAll(async () => {
    worker = await startServer({ assets: dist });
  });

  afterAll(async () => {
    await worker?.stop();
  });

  const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  it.each([
    ["/", 200],
    ["/s/support/", 200],
    ["/no-such-page", 404],
  ])("%s: no script, nothing remote, no framing, nosniff", async (path, status) => {
    const response = await fetch(worker.base + path);
    expect(response.status).toBe(status);
    expect(response.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    await response.arrayBuffer();
  });

  it("/s/{survey}/badge.svg: an SVG image's own policy, embeddable anywhere", async () => {
    const response = await fetch(`${worker.base}/s/support/badge.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("image/svg+xml");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(response.headers.get("x-frame-options")).toBeNull();
    expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    await response.arrayBuffer();
  });

  it("the policy allows what a page needs: its styles apply, its badge shows, nothing is refused", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${worker.base}/s/support/`);
    // Strings, as this project compiles without the DOM's types. 62rem: the inline stylesheet applied.
    expect(await page.evaluate<string>("getComputedStyle(document.body).maxWidth")).toBe("992px");
    const badge = `img[src="/s/support/badge.svg"]`;
    await page.waitForFunction(`document.querySelector(${JSON.stringify(badge)}).complete`);
    expect(await page.evaluate<number>(`document.querySelector(${JSON.stringify(badge)}).naturalWidth`)).toBeGreaterThan(0);
    expect(refused).toEqual([]);

    // Embedded from another origin (the static server's), as a README or a web shop would.
    await page.goto(`${server.base}/`);
    const shown = await page.evaluate<number>(`new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve(img.naturalWidth);
      img.onerror = () => resolve(-1);
      img.src = ${JSON.stringify(`${worker.base}/s/support/badge.svg`)};
    })`);
    expect(shown).toBeGreaterThan(0);
    await context.close();
  });
});
