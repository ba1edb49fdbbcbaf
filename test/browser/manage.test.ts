import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "./axe";
import { adminApi, cspRefusals, startServer, startWithBrowser, type Server } from "./harness";

let server: Server;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await startWithBrowser(startServer());
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

// A person's browser: headless Chromium names itself in its User-Agent, which the counting rule suspects.
const PERSON_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

/** axe finds nothing, and at 320 px nothing is wider than the screen. */
async function checkPage(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe("manage pages in Chromium", () => {
  it("sign in, create a CSAT survey from a preset, open its responses, override one; axe-clean and 320 px wide", async () => {
    const context = await browser.newContext({ userAgent: PERSON_UA, locale: "en-GB" });
    const page = await context.newPage();
    const refused = cspRefusals(page);

    await page.goto(`${server.base}/internal/manage/surveys/new`);
    expect(new URL(page.url()).pathname).toBe("/internal/sign-in");
    await page.getByLabel("Admin token or API key with reports:read").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.base}/internal/manage/surveys/new`);
    await checkPage(page);

    // The skip link is the first stop of the keyboard and moves to the content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent")).toBe("Skip to content");

    await page.getByRole("link", { name: "CSAT 1–5 after support" }).click();
    await page.waitForURL(/preset=csat-support$/);
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("Support satisfaction");
    expect(await page.getByLabel("Touchpoint").inputValue()).toBe("support");
    await page.getByLabel("Id", { exact: true }).fill("browser-csat");
    await page.getByRole("button", { name: "Create survey" }).click();
    await page.waitForURL(`${server.base}/internal/manage/surveys/browser-csat/responses?created=1`);
    expect(await page.getByRole("status").textContent()).toBe("Survey created.");
    expect(await page.getByText("No responses match.").count()).toBe(1);
    const survey = await adminApi<{ metric: string; scale: { min: number; max: number }; touchpoint: string }>(server, "GET", "/api/v1/surveys/browser-csat");
    expect(survey).toMatchObject({ metric: "csat", scale: { min: 1, max: 5 }, touchpoint: "support" });

    // One person taps 2 in their email.
    const { invitations } = await adminApi<{ invitations: { id: string; links: Record<string, string> }[] }>(server, "POST", "/api/v1/surveys/browser-csat/invitations", {
      recipients: [{ recipient: "ticket-4711" }],
    });
    const tap = await context.newPage();
    await tap.goto(invitations[0]!.links["2"]!);
    await tap.close();

    await page.reload();
    const responseId = `rsp_${invitations[0]!.id}`;
    expect(await page.locator("tbody tr").count()).toBe(1);
    expect(await page.locator("tbody tr td").nth(1).textContent()).toBe("ticket-4711");
    expect(await page.locator("tbody tr td").nth(2).textContent()).toBe("2");
    await checkPage(page);
    await page.getByLabel("Decision for ticket-4711").selectOption("excluded");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/saved=1$/);
    expect(await page.getByRole("status").textContent()).toBe("Decision saved.");
    const response = await adminApi<{ status: string; reason: string }>(server, "GET", `/api/v1/responses/${responseId}`);
    expect(response).toMatchObject({ status: "excluded", reason: "override" });

    for (const path of ["/internal/manage/surveys", "/internal/manage/surveys/browser-csat/edit", "/internal/manage/surveys/browser-csat/share", "/internal/manage/settings", "/internal/manage/send", "/internal/manage/audit"]) {
      await page.goto(`${server.base}${path}`);
      await checkPage(page);
    }
    expect(await page.locator("tbody tr").count()).toBe(2);
    expect(await page.locator("tbody tr").first().textContent()).toContain("response.override");

    // The secret page and a refused form, too.
    await page.goto(`${server.base}/internal/manage/settings`);
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForURL(`${server.base}/internal/manage/keys`);
    expect(await page.locator("#name-error").textContent()).toContain("name");
    await checkPage(page);
    await page.getByLabel("Name", { exact: true }).fill("Browser key");
    await page.getByRole("button", { name: "Create key" }).click();
    await page.waitForLoadState();
    expect(await page.getByRole("status").textContent()).toContain("This is the only time the API key is shown.");
    await checkPage(page);

    await page.goto(`${server.base}/internal/manage/send`);
    await page.getByLabel("Recipients (CSV)").fill("email,name\nann@example.com,Ann\n,Nobody");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.waitForURL(`${server.base}/internal/manage/send/preview`);
    expect(await page.getByText("1 will be asked, 1 skipped.").count()).toBe(1);
    await checkPage(page);

    expect(refused).toEqual([]);
    await context.close();
  });

  it("a Zendesk snippet, filled as Zendesk fills it, is answered, shown with ticket and agent, overridden and exported; unfilled, it counts nothing", async () => {
    const context = await browser.newContext({ userAgent: PERSON_UA, locale: "en-GB" });
    const page = await context.newPage();
    const refused = cspRefusals(page);
    await page.goto(`${server.base}/internal/manage/surveys/new`);
    await page.getByLabel("Admin token or API key with reports:read").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.base}/internal/manage/surveys/new`);
    await page.getByRole("link", { name: "CSAT 1–5 after support" }).click();
    await page.waitForURL(/preset=csat-support$/);
    expect(await page.getByLabel("Segment keys").inputValue()).toBe("ticket_id, agent, team");
    await page.getByLabel("Id", { exact: true }).fill("zendesk-csat");
    await page.getByRole("button", { name: "Create survey" }).click();
    await page.waitForURL(/\/internal\/manage\/surveys\/zendesk-csat\/responses/);

    // Copy the Zendesk block from the Share page, as a person selects it in its box.
    await page.goto(`${server.base}/internal/manage/surveys/zendesk-csat/share`);
    await checkPage(page);
    const block = await page.getByLabel("Zendesk: HTML block").inputValue();
    expect(block).toContain("{{ticket.id}}");
    expect(block).toContain("{{ticket.assignee.name}}");

    // Zendesk fills its placeholders when it sends the ticket's email; the person's mail app shows it.
    const filled = block
      .replaceAll("{{ticket.id}}", "4711")
      .replaceAll("{{ticket.requester.email}}", "ann@example.com")
      .replaceAll("{{ticket.assignee.name}}", "Zoë")
      .replaceAll("{{ticket.group.name}}", "Support")
      .replaceAll("{{ticket.via}}", "email");
    expect(filled).not.toMatch(/\{\{/);
    const mail = await context.newPage();
    await mail.setContent(`<!doctype html><html lang="en"><body>${filled}</body></html>`);
    await mail.getByRole("link", { name: /^4\s/ }).click();
    await mail.waitForURL(/\/t\//);
    expect(await mail.locator("h1").textContent()).toBe("Thank you!");
    await mail.close();

    // In Responses: the answer, with the ticket and the agent it came with.
    await page.goto(`${server.base}/internal/manage/surveys/zendesk-csat/responses`);
    expect(await page.locator("tbody tr").count()).toBe(1);
    const row = (await page.locator("tbody tr").first().textContent()) ?? "";
    expect(row).toContain("4711");
    expect(row).toContain("Zoë");
    await checkPage(page);
    await page.getByLabel("Decision for 4711").selectOption("excluded");
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/saved=1$/);

    // The export of what is filtered: the answer, from a template link, now excluded.
    const csvHref = await page.getByRole("link", { name: "CSV", exact: true }).getAttribute("href");
    const csv = await (await context.request.get(`${server.base}${csvHref}`)).text();
    const [header, line] = csv.replace(/^\ufeff/, "").trim().split("\r\n");
    const columns = header!.split(",");
    const cells = line!.split(",");
    const cell = (name: string) => cells[columns.indexOf(name)];
    expect([cell("recipient"), cell("score"), cell("status"), cell("reason"), cell("source"), cell("property.ticket_id"), cell("property.agent")]).toEqual(["4711", "4", "excluded", "override", "template", "4711", "Zoë"]);

    // A template whose merge failed: the link still holds {{ticket.id}}. A friendly page, nothing counted.
    const unfilled = /href="([^"]*\/4\?[^"]*)"/.exec(block)![1]!.replaceAll("&amp;", "&");
    const failed = await context.newPage();
    const answer = await failed.goto(unfilled);
    expect(answer!.status()).toBe(400);
    expect(await failed.locator("h1").textContent()).toBe("This link is incomplete");
    await failed.close();
    expect((await adminApi<{ responses: unknown[] }>(server, "GET", "/api/v1/surveys/zendesk-csat/responses")).responses).toHaveLength(1);
    expect(refused).toEqual([]);
    await context.close();
  });

  it("the Share page: each box's Copy button copies it and says so, by mouse and keyboard; the email preview is light, dark and 320 px wide", async () => {
    await adminApi(server, "POST", "/api/v1/surveys", { id: "share-nps", name: "Share NPS", metric: "nps" });
    const context = await browser.newContext({ userAgent: PERSON_UA, locale: "en-GB" });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
    const page = await context.newPage();
    const refused = cspRefusals(page);
    await page.goto(`${server.base}/internal/manage/surveys/share-nps/share`);
    await page.getByLabel("Admin token or API key with reports:read").fill(server.adminToken);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.base}/internal/manage/surveys/share-nps/share`);

    // The script ran (its hash let it): a Copy button under every box, described by the box's label.
    expect(await page.locator("textarea[data-copy]").count()).toBe(21);
    expect(await page.getByRole("button", { name: "Copy", exact: true }).count()).toBe(21);
    const zendesk = page.locator("#s-zendesk-html + p > button");
    expect(await zendesk.getAttribute("aria-describedby")).toBe("s-zendesk-html-label");
    await zendesk.click();
    // Waited for by locator: a string predicate is evaluated in the page, which its policy refuses (no 'unsafe-eval').
    await zendesk.filter({ hasText: /^Copied$/ }).waitFor();
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(await page.locator("#s-zendesk-html").inputValue());
    expect(await page.getByRole("status").textContent()).toBe("Copied: Zendesk: HTML block");

    // By keyboard: Tab from the box reaches its button; Enter copies, and the other button says Copy again.
    await page.locator("#s-mailchimp-text").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate<string>("document.activeElement.textContent + ' ' + document.activeElement.getAttribute('aria-describedby')")).toBe("Copy s-mailchimp-text-label");
    await page.keyboard.press("Enter");
    await page.locator("#s-mailchimp-text + p > button").filter({ hasText: /^Copied$/ }).waitFor();
    expect(await zendesk.textContent()).toBe("Copy");
    expect(await page.evaluate<string>("navigator.clipboard.readText()")).toBe(await page.locator("#s-mailchimp-text").inputValue());
    expect(await page.getByRole("status").textContent()).toBe("Copied: Mailchimp: text");

    // The preview: each view a frame; the dark one is dark, the narrow one exactly 320 px with the block inside it.
    expect(await page.locator("#preview ~ div iframe").count()).toBe(3);
    const background = (figure: number) =>
      page.frameLocator(`#preview ~ div figure:nth-child(${figure}) iframe`).locator("body").evaluate((body) => body.ownerDocument.defaultView?.getComputedStyle(body).backgroundColor);
    expect(await background(1)).toBe("rgb(255, 255, 255)");
    expect(await background(2)).toBe("rgb(18, 18, 18)");
    const narrow = page.locator("iframe[data-preview-narrow]");
    const inside = page.frameLocator("iframe[data-preview-narrow]");
    const tops = () => page.locator("#preview ~ div figure").evaluateAll((figures) => figures.map((f) => Math.round(f.getBoundingClientRect().top)));
    for (const width of [1280, 320]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await page.evaluate<number>("document.documentElement.scrollWidth"), `${width}`).toBeLessThanOrEqual(width);
      expect(await narrow.evaluate((element) => element.getBoundingClientRect().width), `${width}`).toBe(320);
      expect(await inside.locator("html").evaluate((root) => root.scrollWidth), `${width}`).toBeLessThanOrEqual(320);
      expect(await inside.locator("table").first().evaluate((block) => block.getBoundingClientRect().width), `${width}`).toBeLessThanOrEqual(320);
      const [light, dark, small] = await tops();
      // Side by side on a wide screen, stacked on a phone.
      if (width === 1280) expect([dark, small]).toEqual([light, light]);
      else expect(light! < dark! && dark! < small!).toBe(true);
      expect(await axeViolations(page), `${width}`).toEqual([]);
    }

    // A tap on a preview button goes nowhere and records nothing.
    await page.setViewportSize({ width: 1280, height: 800 });
    // Chromium says so when the sandbox stops the navigation.
    const stopped = page.waitForEvent("console", (message) => /sandboxed/.test(message.text()));
    await inside.getByRole("link", { name: /^10 out of 10/ }).click();
    await stopped;
    expect(page.url()).toBe(`${server.base}/internal/manage/surveys/share-nps/share`);
    expect((await adminApi<{ responses: unknown[] }>(server, "GET", "/api/v1/surveys/share-nps/responses")).responses).toHaveLength(0);
    expect(refused).toEqual([]);
    await context.close();
  });
});
