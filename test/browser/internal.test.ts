import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { startServer, startWithBrowser, type Server } from "./harness";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await startWithBrowser(startServer());
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("internal reports in Chromium", () => {
  it("send a signed-out visitor to sign-in, then back to the page after signing in", async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
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
    await context.close();
  });

  it("render the sign-in page and the reports under their own Content-Security-Policy", async () => {
    // No bypassCSP here: what the page needs must be what the policy allows.
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
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
    expect(await maxWidth("body")).toBe("992px");
    expect(refused).toEqual([]);
    await context.close();
  });
});
