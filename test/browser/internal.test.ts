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
});
