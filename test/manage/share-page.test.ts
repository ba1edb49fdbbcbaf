import { describe, expect, it } from "vitest";
import { COPY_SCRIPT, COPY_SCRIPT_HASH } from "../../functions/internal/manage/copy-script";
import { signIn, get } from "../helpers/manage";
import { addSurvey } from "../helpers/rollup-data";

/** The Share page's Copy buttons (one script, allowed by its hash) and its email preview (light, dark, 320 px). */

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

/** The script-src directive of a policy, or null. */
const scriptSrc = (csp: string) => csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src")) ?? null;

describe("the copy script", () => {
  it("is allowed by the hash of its exact text and by nothing else", async () => {
    expect(COPY_SCRIPT_HASH).toBe(`'sha256-${await sha256Base64(COPY_SCRIPT)}'`);
    const cookie = await signIn();
    for (const path of ["/internal/manage/surveys", "/internal/", "/internal/sign-in"]) {
      const csp = (await get(path === "/internal/sign-in" ? "" : cookie, path)).headers.get("content-security-policy")!;
      expect(scriptSrc(csp), path).toBe(`script-src ${COPY_SCRIPT_HASH}`);
      expect(csp, path).toContain("default-src 'none'");
    }
  });
});

describe("GET /internal/manage/surveys/:id/share", () => {
  it("ends with the copy script, and every box it enhances stays a read-only, labelled textarea", async () => {
    await addSurvey({ id: "share-copy", metric: "csat" });
    const cookie = await signIn();
    const html = await (await get(cookie, "/internal/manage/surveys/share-copy/share")).text();
    expect(html.split("<script").length - 1).toBe(1);
    expect(html).toContain(`<script>${COPY_SCRIPT}</script></main>`);
    const boxes = [...html.matchAll(/<label id="([^"]+)-label" for="([^"]+)">[^<]+<\/label><textarea id="([^"]+)" data-copy readonly rows="\d">/g)];
    // Seven platforms, each an HTML block, a text and a link template.
    expect(boxes).toHaveLength(21);
    for (const [, labelled, target, box] of boxes) expect([labelled, target]).toEqual([box, box]);
    expect(html.split("<textarea").length - 1).toBe(21);
  });

  it("previews the email block in light, dark and 320 px wide, each in a frame that runs nothing and navigates nowhere", async () => {
    await addSurvey({ id: "share-preview", metric: "csat" });
    const cookie = await signIn();
    const html = await (await get(cookie, "/internal/manage/surveys/share-preview/share")).text();
    const start = html.indexOf(`<h2 id="preview">How the block looks in an email</h2>`);
    const end = html.indexOf("<h2>Blocks for email templates</h2>");
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const preview = html.slice(start, end);
    const frames = [...preview.matchAll(/<iframe([^>]*) title="([^"]+)" sandbox="" referrerpolicy="same-origin" style="([^"]+)" srcdoc="([^"]+)"><\/iframe>/g)];
    expect(frames.map(([, attributes, title]) => [attributes, title])).toEqual([
      ["", "The email block. Light: white background, dark text"],
      ["", "The email block. Dark: #121212 background, light text"],
      [" data-preview-narrow", "The email block. 320 px wide: a small phone"],
    ]);
    const styles = frames.map(([, , , style]) => style);
    expect(styles[0]).toMatch(/^display:block;width:100%;height:\d+px;border:0;outline:1px solid #8c959f;background:#ffffff$/);
    expect(styles[1]).toMatch(/;background:#121212$/);
    expect(styles[2]).toMatch(/^display:block;width:320px;/);
    const light = frames[0]![4]!;
    const dark = frames[1]![4]!;
    expect(light).toMatch(/^&lt;!doctype html&gt;&lt;html lang=&quot;en&quot;&gt;&lt;head&gt;&lt;meta charset=&quot;utf-8&quot;&gt;&lt;base target=&quot;_top&quot;&gt;&lt;\/head&gt;&lt;body style=&quot;margin:0;padding:12px;background:#ffffff;color:#1f2328&quot;&gt;/);
    expect(dark).toContain("&lt;body style=&quot;margin:0;padding:12px;background:#121212;color:#e3e3e3&quot;&gt;");
    // The block, escaped once more; a CSAT 1–5 block has five buttons, each back to this page.
    expect(light).toContain("How satisfied are you with our service?");
    expect(light).toContain("title=&quot;5 out of 5: Very satisfied&quot;");
    const hrefs = [...light.matchAll(/href=&quot;([^&]+)&quot;/g)].map((m) => m[1]);
    expect(hrefs).toEqual(Array(5).fill("http://tapscore.test/internal/manage/surveys/share-preview/share#preview"));
    expect(preview).not.toMatch(/\/[rt]\//);
  });
});
