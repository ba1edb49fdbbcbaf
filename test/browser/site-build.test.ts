import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportExport } from "../../functions/reports/report-data";
import { FIXTURE, buildSite, emptyFixture } from "./site-build";

/** Page-weight budgets, every referenced asset included (DESIGN §6, issue 5). */
const PUBLIC_PAGE_BUDGET = 60 * 1024;
const INTERNAL_PAGE_BUDGET = 250 * 1024;

const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as ReportExport;
let dist: string;

beforeAll(async () => {
  dist = await buildSite();
});

afterAll(() => {
  if (dist) rmSync(dist, { recursive: true, force: true });
});

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const read = (path: string) => readFileSync(join(dist, path), "utf8");

/** The page's bytes plus every same-site file it references (stylesheets, scripts, images, fonts). */
function pageWeight(path: string): { total: number; assets: string[] } {
  const html = read(path);
  const assets = [...html.matchAll(/(?:src|href)="(\/[^"#?]+\.(?:css|js|mjs|svg|png|jpe?g|webp|avif|woff2?|ico))"/g)].map((m) => m[1]!);
  const unique = [...new Set(assets)];
  const total = Buffer.byteLength(html) + unique.reduce((sum, asset) => sum + statSync(join(dist, asset)).size, 0);
  return { total, assets: unique };
}

describe("the report site built from fixture data", () => {
  it("has every page kind", () => {
    for (const path of [
      "index.html",
      "404.html",
      "s/support/index.html",
      "s/support/30/index.html",
      "s/support/365/index.html",
      "s/support/all/index.html",
      "s/support/badge.svg",
      "s/nps-nl/index.html",
      "s/nps-nl/badge.svg",
      "internal/index.html",
      "internal/s/support/index.html",
      "internal/s/nps-nl/index.html",
      "internal/s/onboarding-effort/index.html",
      "internal/s/onboarding-effort/30/index.html",
      "internal/s/onboarding-effort/365/index.html",
      "internal/s/onboarding-effort/all/index.html",
    ]) {
      expect(existsSync(join(dist, path)), path).toBe(true);
    }
  });

  it("gives a survey that is not public no public page or badge", () => {
    expect(existsSync(join(dist, "s", "onboarding-effort"))).toBe(false);
    expect(files(dist).filter((f) => relative(dist, f).startsWith("s/")).length).toBe(2 * 5);
    const publicText = files(dist)
      .filter((f) => !relative(dist, f).startsWith("internal"))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    expect(publicText).not.toContain("onboarding-effort");
    expect(publicText).not.toContain("Onboarding");
  });

  it("puts no comment, property value or segment value in any public file", () => {
    const publicFiles = files(dist).filter((f) => !relative(dist, f).startsWith("internal"));
    expect(publicFiles.length).toBeGreaterThan(5);
    const forbidden = new Set<string>(["cust-secret-42", "<script>alert(1)</script>", "&lt;script&gt;", "Maria Jansen", "Tom Okafor", "enterprise"]);
    for (const survey of fixture.surveys) {
      for (const c of survey.comments) {
        forbidden.add(c.comment.slice(0, 24));
        // Short values ("pro") also occur in ordinary words; the recipient-like ones are long enough to match exactly.
        for (const value of Object.values(c.properties)) if (value.length >= 6) forbidden.add(value);
      }
    }
    for (const file of publicFiles) {
      const text = readFileSync(file, "utf8");
      for (const secret of forbidden) expect(text.includes(secret), `${relative(dist, file)} contains "${secret}"`).toBe(false);
    }
  });

  it("escapes comments on internal pages and keeps internal pages out of search engines", () => {
    const html = read("internal/s/support/index.html");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("cust-secret-42");
    for (const path of ["internal/index.html", "internal/s/support/index.html"]) expect(read(path)).toMatch(/<meta name="robots" content="noindex/);
    expect(read("s/support/index.html")).not.toContain("noindex");
  });

  it("ships no JavaScript", () => {
    for (const file of files(dist).filter((f) => f.endsWith(".html"))) {
      expect(readFileSync(file, "utf8"), relative(dist, file)).not.toMatch(/<script\b/);
    }
    expect(files(dist).filter((f) => /\.m?js$/.test(f))).toEqual([]);
  });

  it("ships its security headers, and no page loads what their policy refuses", () => {
    // site/public/_headers; test/browser/site.test.ts proves Workers Static Assets applies it.
    expect(read("_headers")).toContain("/s/:survey/badge.svg");
    for (const file of files(dist).filter((f) => f.endsWith(".html"))) {
      const html = readFileSync(file, "utf8");
      const where = relative(dist, file);
      // img-src 'self': images are same-site paths. Nothing else may load: no stylesheet, font, frame, object or media.
      for (const [, src] of html.matchAll(/<img\b[^>]*\bsrc="([^"]*)"/g)) expect(src, where).toMatch(/^\/(?!\/)/);
      expect(html, where).not.toMatch(/<(?:link|iframe|frame|object|embed|video|audio|source|base|form)\b/i);
      expect(html, where).not.toMatch(/url\(|@import|@font-face/i);
    }
  });

  it("keeps within the page-weight budgets, assets included", () => {
    const weights = Object.fromEntries(
      [
        "index.html",
        "s/support/index.html",
        "s/support/all/index.html",
        "s/nps-nl/index.html",
        "internal/index.html",
        "internal/s/support/index.html",
        "internal/s/support/all/index.html",
        "internal/s/nps-nl/index.html",
        "internal/s/onboarding-effort/index.html",
      ].map(
        (path) => [path, pageWeight(path)],
      ),
    );
    console.log("page weights (bytes, assets included):", Object.fromEntries(Object.entries(weights).map(([p, w]) => [p, w.total])));
    expect(weights["s/support/index.html"]!.assets).toContain("/s/support/badge.svg");
    for (const [path, weight] of Object.entries(weights)) {
      const budget = path.startsWith("internal/s/") ? INTERNAL_PAGE_BUDGET : PUBLIC_PAGE_BUDGET;
      expect(weight.total, path).toBeLessThanOrEqual(budget);
    }
  });

  it("writes the badge as a small accessible SVG", () => {
    const badge = read("s/support/badge.svg");
    expect(badge).toMatch(/^<svg [^>]*role="img"/);
    expect(badge).toMatch(/<title id="t">Support satisfaction: CSAT \d+% · [\d,]+ answers · 90 days<\/title>/);
    expect(Buffer.byteLength(badge)).toBeLessThan(2048);
  });
});

/** A page's visible text: no styles, charts or tags, entities decoded, white space collapsed. */
function pageText(path: string): string {
  return read(path)
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<svg[\s\S]*?<\/svg>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

describe("numbers and verdicts on the built pages", () => {
  it("rounds the support survey's headline to whole percentages, where the API keeps 89.2136…", () => {
    // 1282 of 1437 satisfied = 89.2136%; Wilson 87.504–90.714% (SciPy, test/site/report-view.test.ts).
    const text = pageText("s/support/index.html");
    expect(text).toContain("89% CSAT, % satisfied");
    expect(text).toContain("95% interval 88–91% · n = 1,437 answers · last 90 days (Aug 23 – Nov 20, 2026)");
    expect(text).not.toMatch(/89[.,]2/);
    expect(pageText("index.html")).toContain("95% interval 88–91% · n = 1,437");
  });

  it("says the target's verdict and its reason in words next to the numbers", () => {
    const text = pageText("internal/s/support/index.html");
    expect(text).toMatch(/Target: (on track|off track|too early to tell) CSAT 89% over the last 90 days \(Aug 23 – Nov 20, 2026; 1,437 answers\); the line is at \d+% for those days; /);
    // The overview says it short, in words; the survey's page says it in full.
    const overview = pageText("internal/index.html");
    expect(overview).toMatch(/(on track|off track|too early to tell) 89% against a line at \d+% \(target 90% by Mar 31, 2027\)/);
    // Surveys without a target say so; every survey's weekly drop check is said in words.
    expect(overview).toContain("no target");
    expect(overview.match(/no drop week of Nov 9 – Nov 15, 2026/g)).toHaveLength(3);
    expect(text).toMatch(/Weekly drop check: no drop No drop alert for the week of Nov 9 – Nov 15, 2026/);
  });

  it("says a comparison's change, interval and significance in words", () => {
    const text = pageText("internal/s/support/index.html");
    // 418 of 511 = 81.80% before; 89.21 − 81.80 = +7.41 points, z ≈ 3.9 by hand: p < 0.001.
    expect(text).toContain("Against the previous 90 days: CSAT 89% over the last 90 days against 82% over the 90 days before (May 25 – Aug 22, 2026; 511 answers): up 7 points, 95% interval +");
    expect(text).toContain("p < 0.001: a significant difference at the 5% level.");
    expect(text).toMatch(/Variant B \d+% \(755 answers\) against the baseline, variant A \d+% \(682 answers\): up \d+ points, 95% interval \+\d+ to \+\d+ points; p (<|=) [\d.]+: a significant difference at the 5% level\./);
    // A mean's comparison to one decimal (onboarding-effort, CES 1–7).
    expect(pageText("internal/s/onboarding-effort/index.html")).toMatch(/CES \d\.\d over the last 90 days against \d\.\d over the 90 days before/);
  });

  it("writes a Dutch survey's English pages with en-US numbers and dates", () => {
    const survey = fixture.surveys.find((s) => s.survey.id === "nps-nl")!;
    expect(survey.survey.locale).toBe("nl");
    // nps-nl over the window: 303 promoters and 152 detractors of 780 (test/site/report-view.test.ts): NPS 19.36 → 19.
    const text = pageText("s/nps-nl/index.html");
    expect(text).toContain("19 NPS, from −100 to +100");
    expect(text).toContain("n = 780 answers · last 90 days (Aug 23 – Nov 20, 2026)");
    // 303 / 780 = 38.8%, 325 / 780 = 41.7%, 152 / 780 = 19.5%: whole percentages.
    expect(text).toContain("Promoters (9–10) 303 39%");
    expect(text).toContain("Passives (7–8) 325 42%");
    expect(text).toContain("Detractors (0–6) 152 19%");
    expect(text).toMatch(/Week of Aug 17, 2026 /);
    // No Dutch dates (20 nov. 2026) or decimal commas (7,8) anywhere on the page.
    expect(text).not.toMatch(/\b\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\.? 20\d\d/i);
    expect(text).not.toMatch(/\d,\d(?!\d\d)/);
    expect(read("s/nps-nl/badge.svg")).toContain("NPS 19 · 780 answers · 90 days");
    // Thousands grouped the en-US way on its internal page: the window's 3,533 invitations, recounted here.
    const invitations = survey.rollups.filter((r) => r.dimension === "all" && r.day >= "2026-08-23" && r.day <= "2026-11-20").reduce((total, r) => total + r.invitations, 0);
    expect(invitations).toBe(3533);
    expect(pageText("internal/s/nps-nl/index.html")).toContain("of the 3,533 invitations created over the last 90 days");
    expect(pageText("internal/s/nps-nl/index.html")).not.toContain("3.533");
  });
});

describe("the report site with no surveys yet", () => {
  it("builds, and its pages say so", async () => {
    const fixtureFile = emptyFixture();
    const empty = await buildSite(fixtureFile);
    try {
      expect(readFileSync(join(empty, "index.html"), "utf8")).toContain("No public surveys yet");
      expect(readFileSync(join(empty, "internal", "index.html"), "utf8")).toContain("No surveys yet");
      expect(existsSync(join(empty, "s"))).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
      rmSync(dirname(fixtureFile), { recursive: true, force: true });
    }
  });
});
