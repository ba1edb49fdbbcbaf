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
      "s/support/badge.svg",
      "s/nps-nl/index.html",
      "s/nps-nl/badge.svg",
      "internal/index.html",
      "internal/s/support/index.html",
      "internal/s/nps-nl/index.html",
      "internal/s/onboarding-effort/index.html",
    ]) {
      expect(existsSync(join(dist, path)), path).toBe(true);
    }
  });

  it("gives a survey that is not public no public page or badge", () => {
    expect(existsSync(join(dist, "s", "onboarding-effort"))).toBe(false);
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
      ["index.html", "s/support/index.html", "s/nps-nl/index.html", "internal/index.html", "internal/s/support/index.html", "internal/s/nps-nl/index.html", "internal/s/onboarding-effort/index.html"].map(
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
