import { rmSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { adminApi, cspRefusals, startServer, startWithBrowser, type Server } from "./harness";
import { buildSite } from "./site-build";

let dist: string;
let server: Server;
let browser: Browser;

// The reports are built from test/fixtures/report-export.json, so the signed-in pages have known content.
beforeAll(async () => {
  dist = await buildSite();
  [server, browser] = await startWithBrowser(startServer({ assets: dist }));
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

const TOKEN_FIELD = "Admin token or API key with reports:read";
// A person's browser: headless Chromium names itself in its User-Agent, which the counting rule suspects.
const PERSON_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

async function signIn(page: Page, next: string): Promise<void> {
  await page.goto(`${server.base}${next}`);
  await page.getByLabel(TOKEN_FIELD).fill(server.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${server.base}${next}`);
}

describe("internal reports in Chromium", () => {
  it("send a signed-out visitor to sign-in, then back to the page after signing in", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = cspRefusals(page);
    await page.goto(`${server.base}/internal/`);
    expect(new URL(page.url()).pathname).toBe("/internal/sign-in");
    expect(await page.locator("h1").textContent()).toBe("Sign in to Tapscore reports");
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel("Admin token or API key with reports:read").fill("not the token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForLoadState();
    expect(await page.getByRole("alert").textContent()).toContain("not valid");

    await page.getByLabel("Admin token or API key with reports:read").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.base}/internal/`);
    expect(await page.locator("meta[name=robots]").getAttribute("content")).toContain("noindex");
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "tapscore_session")).toMatchObject({ httpOnly: true, sameSite: "Strict" });
    expect(refused).toEqual([]);
    await context.close();
  });

  it("render the sign-in page and the reports under their own Content-Security-Policy", async () => {
    // No bypassCSP here: what the page needs must be what the policy allows.
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = cspRefusals(page);
    const signInPage = await page.goto(`${server.base}/internal/sign-in`);
    expect(signInPage?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    // The inline <style> applied: the form is narrow.
    // A string, as this project compiles without the DOM's types.
    const maxWidth = (selector: string) => page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).maxWidth`);
    expect(await maxWidth("main")).toBe("448px");

    // Chromium posts the form with Sec-Fetch-Site: same-origin, which the gate asks for.
    await page.getByLabel("Admin token or API key with reports:read").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.base}/internal/`);
    const reports = await page.reload();
    expect(reports?.status()).toBe(200);
    expect(reports?.headers()["x-frame-options"]).toBe("DENY");
    // The overview's wide layout (80rem) for its nine columns: the site's inline stylesheet applied.
    expect(await maxWidth("body")).toBe("1280px");
    expect(refused).toEqual([]);
    await context.close();
  });

  it("show a signed-in person the survey's report: its name, the fixture's headline, comments as text", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = cspRefusals(page);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, "/internal/s/support/");
    const report = await page.reload();
    expect(report?.status()).toBe(200);
    expect(report?.headers()["content-security-policy"]).toContain("default-src 'none'");
    expect((await page.locator("h1").textContent())?.trim()).toBe("Support satisfaction");

    // The fixture's last 90 days (2026-08-23 – 2026-11-20): 781 + 501 = 1282 of 1437 answers score 4 or 5,
    // 89.2%; SciPy's Wilson interval is 87.50% – 90.71%; 280 of the answers carry a comment.
    const headline = page.locator(".headline");
    expect((await headline.locator(".value").textContent())?.trim()).toBe("89%");
    const details = (await headline.textContent())?.replace(/\s+/g, " ") ?? "";
    expect(details).toContain("95% interval 88–91% · n = 1,437 answers · last 90 days");
    expect(await page.getByText("Answers with a comment: 280.").count()).toBe(1);

    // Worst scores first: the 1 with markup in it, shown as text and sent escaped.
    const comments = page.locator("blockquote.comment");
    expect(await comments.count()).toBe(4);
    expect(await comments.first().textContent()).toContain("<script>alert(1)</script> nobody answered my ticket");
    expect(await comments.last().textContent()).toContain("Maria sorted it out in five minutes. Brilliant!");
    const html = (await report?.text()) ?? "";
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; nobody answered my ticket");
    expect(html).not.toContain("<script>alert(1)");
    expect(await page.locator("script").count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });
});

describe("a sent survey email in Chromium", () => {
  it("opens from the preview page, and a tap on its score link counts", async () => {
    await adminApi(server, "POST", "/api/v1/surveys", { id: "mailed", name: "Mailed survey", metric: "csat" });
    const { invitations } = await adminApi<{ invitations: { send: { id: string } }[] }>(server, "POST", "/api/v1/surveys/mailed/invitations", {
      recipients: [{ recipient: "mailed-person", email: "mailed@example.com" }],
      send: true,
    });
    const sendId = invitations[0]!.send.id;
    // The cron is not ticking in this server: run it once, as wrangler dev --test-scheduled allows.
    expect((await fetch(`${server.base}/cdn-cgi/handler/scheduled`)).status).toBe(200);
    await expect.poll(async () => (await adminApi<{ status: string }>(server, "GET", `/api/v1/sends/${sendId}`)).status, { timeout: 20_000 }).toBe("sent");

    const context = await browser.newContext({ locale: "en-GB", userAgent: PERSON_UA });
    const page = await context.newPage();
    const refused = cspRefusals(page);
    await signIn(page, `/internal/sends/${sendId}`);
    expect(await page.locator("body").textContent()).toContain("mailed@example.com");
    // The message as the person sees it, inside the preview's sandboxed frame: tap "4".
    const message = page.frameLocator("iframe").first();
    await message.getByRole("link", { name: /^4\s/ }).click();
    await page.waitForURL(/\/r\/[^/]+\/4$/);
    await expect(page.locator("h1").textContent()).resolves.toBe("Thank you!");
    const { responses } = await adminApi<{ responses: { recipient: string; score: number; status: string }[] }>(server, "GET", "/api/v1/surveys/mailed/responses");
    expect(responses.map((r) => [r.recipient, r.score, r.status])).toEqual([["mailed-person", 4, "counted"]]);
    expect(refused).toEqual([]);
    await context.close();
  });
});
