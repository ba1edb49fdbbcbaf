import { rmSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { CONTRAST_FUNCTIONS } from "./contrast";
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
  { path: "/s/support/30/", charts: 2, h1: "Support satisfaction" },
  { path: "/s/nps-nl/", charts: 3, h1: "Aanbeveling" },
  { path: "/internal/", charts: 4, h1: "All surveys" },
  { path: "/internal/s/support/", charts: 10, h1: "Support satisfaction" },
  { path: "/internal/s/onboarding-effort/", charts: 5, h1: "Onboarding" },
];
const WIDTHS = [320, 390, 1280] as const;
const SCHEMES = ["light", "dark"] as const;
/**
 * axe runs at the narrowest and the widest width (in both schemes): 390 px lays the pages out as 320
 * px does (one media query, at 40rem), and axe is most of a load's time.
 */
const AXE_WIDTHS: readonly number[] = [320, 1280];

/** What a figure's caption must name: its granularity or range, and its dates. */
const PERIOD = /(Daily|Weekly|Monthly|[Ll]ast [\d,]+ days|days since the first answer)/;
const DATES = /[A-Z][a-z]{2} \d{1,2}(, \d{4})? – [A-Z][a-z]{2} \d{1,2}, \d{4}/;

interface PageFacts {
  h1: string;
  scrollWidth: number;
  innerWidth: number;
  charts: { title: string; width: number }[];
  captions: string[];
  sparklines: string[];
  lowContrast: { text: string; ratio: number; need: number; color: string; background: string }[];
  badNumbers: string[];
  clippedChartText: { chart: string; text: string }[];
  overview: { wrapScroll: number; wrapClient: number; wrapRight: number; excludedRight: number; targetHeight: number; lineHeight: number } | null;
}

/**
 * Everything a check needs, measured in the page in one pass. Source text, as this project compiles
 * without the DOM's types. Contrast as ./contrast.ts measures it.
 */
const MEASURE = `(() => {
  ${CONTRAST_FUNCTIONS}
  const hidden = new Set(["TITLE", "DESC", "STYLE", "SCRIPT", "title", "desc", "style"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const lowContrast = [], badNumbers = [];
  const numberRules = [/\\d[\\u0020\\u00a0\\u202f\\u2009]\\d{3}(?!\\d)/, /(?<![\\d.,])[1-9]\\d{0,2}\\.\\d{3}(?!\\d)/, /\\d,\\d{1,2}(?!\\d)/, /\\b\\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\\.? 20\\d\\d/i];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.trim();
    const el = node.parentElement;
    if (!text || !el || hidden.has(el.tagName) || el.closest("title, desc")) continue;
    const style = getComputedStyle(el);
    if (el.getClientRects().length === 0 || style.visibility === "hidden" || style.display === "none") continue;
    if (numberRules.some((rule) => rule.test(text))) badNumbers.push(text);
    const low = lowContrastOf(el, text);
    if (low) lowContrast.push(low);
  }
  const clippedChartText = [];
  for (const svg of document.querySelectorAll("svg.chart-svg")) {
    const box = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll("text")) {
      if (t.getClientRects().length === 0 || getComputedStyle(t).display === "none") continue;
      const b = t.getBBox();
      if (b.x < box.x - 1 || b.x + b.width > box.x + box.width + 1 || b.y < box.y - 1 || b.y + b.height > box.y + box.height + 1) clippedChartText.push({ chart: svg.dataset.chart, text: t.textContent });
    }
  }
  const wrap = document.querySelector("table.overview")?.closest(".table-wrap");
  const excluded = [...document.querySelectorAll("td[data-cell=excluded]")];
  const targets = [...document.querySelectorAll("td[data-cell=target]")];
  return {
    h1: document.querySelector("h1")?.textContent.trim() ?? "",
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    charts: [...document.querySelectorAll("svg[role=img]")].map((svg) => ({ title: svg.querySelector("title")?.textContent ?? "", width: svg.getBoundingClientRect().width })),
    captions: [...document.querySelectorAll("figure.chart")].map((f) => f.querySelector("figcaption")?.textContent.trim() ?? ""),
    sparklines: [...document.querySelectorAll("svg.spark title")].map((t) => t.textContent),
    lowContrast,
    badNumbers,
    clippedChartText,
    overview: wrap ? {
      wrapScroll: wrap.scrollWidth,
      wrapClient: wrap.clientWidth,
      wrapRight: wrap.getBoundingClientRect().right,
      excludedRight: Math.max(...excluded.map((c) => c.getBoundingClientRect().right)),
      targetHeight: Math.max(...targets.map((c) => c.getBoundingClientRect().height)),
      lineHeight: parseFloat(getComputedStyle(targets[0] ?? document.body).lineHeight),
    } : null,
  };
})()`;

async function measure(page: Page): Promise<PageFacts> {
  return page.evaluate<PageFacts>(MEASURE);
}

describe("report pages in Chromium at 320, 390 and 1280 px, light and dark", () => {
  for (const width of WIDTHS) {
    for (const colorScheme of SCHEMES) describe(`${width} px, ${colorScheme}`, () => {
      // One page per width and scheme, going from report to report: one load per report.
      let context: BrowserContext;
      let page: Page;
      beforeAll(async () => {
        context = await browser.newContext({ viewport: { width, height: 800 }, colorScheme });
        page = await context.newPage();
      });
      afterAll(async () => {
        await context?.close();
      });
      for (const { path, charts, h1 } of PAGES) {
        it(`${path} at ${width} px (${colorScheme}): fits, AA contrast, en-US numbers, every chart's period named${AXE_WIDTHS.includes(width) ? ", axe clean" : ""}`, async () => {
          const response = await page.goto(server.base + path);
          expect(response?.status()).toBe(200);
          const facts = await measure(page);
          expect(facts.h1).toBe(h1);
          expect(facts.scrollWidth, "sideways scrolling").toBeLessThanOrEqual(facts.innerWidth);
          expect(facts.charts.length).toBeGreaterThanOrEqual(charts);
          for (const chart of facts.charts) {
            expect(chart.title.length).toBeGreaterThan(5);
            expect(chart.width).toBeGreaterThan(20);
          }
          for (const caption of facts.captions) {
            expect(caption).toMatch(PERIOD);
            expect(caption).toMatch(DATES);
          }
          for (const title of facts.sparklines) expect(title).toMatch(/^Weekly trend of .+, last 90 days \(/);
          expect(facts.lowContrast).toEqual([]);
          expect(facts.badNumbers).toEqual([]);
          expect(facts.clippedChartText).toEqual([]);
          if (facts.overview && width === 1280) {
            // The whole table fits the page at 1280 px: the last column is not cut off, the target cell stays short.
            expect(facts.overview.wrapScroll).toBeLessThanOrEqual(facts.overview.wrapClient);
            expect(facts.overview.excludedRight).toBeLessThanOrEqual(facts.overview.wrapRight);
            expect(facts.overview.targetHeight).toBeLessThanOrEqual(4 * facts.overview.lineHeight);
          }
          if (AXE_WIDTHS.includes(width)) expect(await axeViolations(page)).toEqual([]);
        });
      }
    });
  }
});

describe("report pages' ranges, freshness, comments and badge", () => {
  const text = (page: Page, selector: string) => page.evaluate<string>(`document.querySelector(${JSON.stringify(selector)}).textContent.replace(/\\s+/g, " ").trim()`);

  it("link the ranges of a survey page as static pages, the shown one marked current", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/s/support/30/`);
    const links = await page.evaluate<{ text: string; href: string; current: string | null }[]>(
      `[...document.querySelectorAll("nav.ranges a")].map((a) => ({ text: a.textContent.trim(), href: a.getAttribute("href"), current: a.getAttribute("aria-current") }))`,
    );
    expect(links).toEqual([
      { text: "Last 30 days", href: "/s/support/30/", current: "page" },
      { text: "Last 90 days", href: "/s/support/", current: null },
      { text: "Last 365 days", href: "/s/support/365/", current: null },
      { text: "Since the start", href: "/s/support/all/", current: null },
    ]);
    expect(await text(page, ".headline")).toContain("last 30 days (Oct 22 – Nov 20, 2026)");
    expect(await text(page, "figure.chart figcaption")).toBe("Daily, Oct 22 – Nov 20, 2026");
    await page.getByRole("link", { name: "Since the start" }).click();
    expect(new URL(page.url()).pathname).toBe("/s/support/all/");
    expect(await text(page, ".headline")).toContain("120 days since the first answer (Jul 24 – Nov 20, 2026)");
    await page.goto(`${server.base}/internal/s/support/365/`);
    expect(await page.locator("nav.ranges a[aria-current=page]").textContent()).toBe("Last 365 days");
    expect(await text(page, ".headline")).toContain("Over this range answers start on Jul 24, 2026, so they cover 120 of these 365 days.");
    expect(await page.locator("script").count()).toBe(0);
    await context.close();
  });

  it("say when the numbers are from and when the next rollup and rebuild are due", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    for (const path of ["/", "/s/support/", "/internal/", "/internal/s/support/30/"]) {
      await page.goto(server.base + path);
      // The fixture's export: 2026-11-20 06:00 UTC, with a deploy hook.
      expect(await text(page, ".freshness"), path).toMatch(
        /^Numbers as of Nov 20, 2026, 6:00 AM UTC\. Rollups run every (minute|\d+ minutes); the pages are rebuilt after a rollup that changes them\. The next rollup is due at 6:\d\d AM UTC; if it changes the numbers, a rebuild follows it\.$/,
      );
    }
    await context.close();
  });

  it("sum up the internal survey page first, and say that the previous 90 days are only partly covered", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/internal/s/support/`);
    // 89.2% against 81.8% over the previous period: up 7 points, p < 0.001 (test/site/report-view.test.ts).
    expect(await text(page, "[data-summary=trend]")).toBe("Trend: Up 7 points on the previous 90 days, which hold answers from only 30 of their days (a significant change).");
    expect(await text(page, "[data-summary=target]")).toMatch(/^Target: (on track|off track|too early to tell): 89% against a line at \d+% \(target 90% by Mar 31, 2027\)\.$/);
    expect(await text(page, "[data-coverage=previous]")).toBe(
      "The previous 90 days (May 25 – Aug 22, 2026) are only partly covered: the survey's first answer came on Jul 24, 2026, so they hold answers from only 30 of those 90 days.",
    );
    // Segments largest first, n shown: plan is free 5 : pro 3 : enterprise 1 in the fixture.
    const plans = await page.evaluate<string[]>(`[...document.querySelectorAll("[data-chart='seg-support-plan'] text.label")].map((t) => t.textContent.trim())`);
    expect(plans.map((label) => label.replace(/ · .*$/, ""))).toEqual(["free", "pro", "enterprise"]);
    expect(plans.every((label) => / · n = [\d,]+( \*)?$/.test(label))).toBe(true);
    await context.close();
  });

  it("page an internal survey's comments worst first, 20 at a time, with links to all of them in the manage pages", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/internal/s/nps-nl/`);
    const shown = page.locator("blockquote.comment:visible");
    expect(await shown.count()).toBe(20);
    expect(await shown.first().textContent()).toContain("Score 0 of 10");
    await page.getByText("Comments 21–25 of 25").click();
    expect(await shown.count()).toBe(25);
    expect(await shown.last().textContent()).toContain("Score 10 of 10");
    expect(await page.getByRole("link", { name: "All comments of these days in the manage pages" }).getAttribute("href")).toBe(
      "/internal/manage/surveys/nps-nl/responses?comment=yes&from=2026-08-23&to=2026-11-20",
    );
    expect(await page.getByRole("link", { name: "Comments with score 0" }).getAttribute("href")).toBe(
      "/internal/manage/surveys/nps-nl/responses?comment=yes&from=2026-08-23&to=2026-11-20&score=0",
    );
    await context.close();
  });

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

  it("gives embed code with absolute URLs on the site's public origin", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.base}/s/support/365/`);
    expect(await text(page, "code[data-embed]")).toBe(
      '<a href="https://feedback.example.com/s/support/"><img src="https://feedback.example.com/s/support/badge.svg" alt="Support satisfaction: CSAT 89% · 1,437 answers · 90 days" height="20"></a>',
    );
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
    ["/s/support/30/", 200],
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
