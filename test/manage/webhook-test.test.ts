import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { api } from "../helpers/api";
import { fetchChecked } from "../helpers/document";
import { BASE, OWN_PAGE, signIn, get, csrfOf } from "../helpers/manage";
import { deliveries, recordingReceiver } from "../helpers/webhooks";

/** The Settings page's "Send a test event": a form post, the API's test event, an audit line, the outcome on the delivery log. */

const { received } = recordingReceiver();

const post = (cookie: string, path: string, fields: Record<string, string>, headers: Record<string, string> = OWN_PAGE) =>
  fetchChecked(`${BASE}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });

async function createWebhook(url: string): Promise<string> {
  const response = await api("POST", "/api/v1/webhooks", { body: { url, events: ["response.created"] } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function auditLines(subject: string) {
  const { results } = await env.DB.prepare("SELECT actor, action, subject, detail FROM audit_log WHERE subject = ?1 ORDER BY id").bind(subject).all();
  return results;
}

describe("Send a test event, on the manage pages", () => {
  it("is a button of each webhook on Settings; its post sends the event, writes an audit line and shows the outcome on the delivery log", async () => {
    const id = await createWebhook("https://hooks.example.com/manage-test");
    const cookie = await signIn();
    const settings = await (await get(cookie, "/internal/manage/settings")).text();
    const csrf = csrfOf(settings);
    expect(settings).toContain(
      `<form method="post" action="/internal/manage/webhooks/${id}/test" class="inline"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Send a test event to ${id}</button></form>`,
    );

    const sent = await post(cookie, `/internal/manage/webhooks/${id}/test`, { csrf });
    expect(sent.status).toBe(303);
    const location = sent.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^/internal/manage/webhooks/${id}\\?tested=msg_[A-Za-z0-9_-]{20}$`));
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "webhook.test" });
    const messageId = location.split("tested=")[1]!;
    expect(received[0]!.headers["webhook-id"]).toBe(messageId);

    const [logged] = await deliveries(id);
    expect(logged).toMatchObject({ id: messageId, event: "webhook.test", status: "delivered" });
    const ms = logged!.log[0]!.duration_ms;
    const page = await (await get(cookie, location)).text();
    expect(page).toContain(`<p class="notice" role="status">Test event delivered: the endpoint answered 200 in ${ms} ms.</p>`);
    expect(page).toMatch(new RegExp(`<tr><td>[^<]+</td><td>webhook\\.test</td><td>delivered</td><td>1</td><td>[^<]+: 200 \\(${ms} ms\\)</td></tr>`));
    expect(page).toContain(`<button type="submit">Send a test event</button>`);
    // Without ?tested= the log says nothing of a test.
    expect(await (await get(cookie, `/internal/manage/webhooks/${id}`)).text()).not.toContain("Test event delivered");

    expect(await auditLines(id)).toEqual([{ actor: "admin", action: "webhook.test", subject: id, detail: `${messageId}: Test event delivered: the endpoint answered 200 in ${ms} ms.` }]);
  });

  it("says why a test was not delivered", async () => {
    const id = await createWebhook("https://hooks.example.com/manage-test-failing");
    const cookie = await signIn();
    const csrf = csrfOf(await (await get(cookie, "/internal/manage/settings")).text());
    vi.mocked(globalThis.fetch).mockImplementationOnce(() => Promise.resolve(new Response("no", { status: 500 })));
    const failed = await post(cookie, `/internal/manage/webhooks/${id}/test`, { csrf });
    const [logged] = await deliveries(id);
    const page = await (await get(cookie, failed.headers.get("location")!)).text();
    expect(page).toContain(
      `<p class="notice" role="status">Test event not delivered: the endpoint answered 500 in ${logged!.log[0]!.duration_ms} ms; only a 2xx counts as delivered.</p>`,
    );
    vi.mocked(globalThis.fetch).mockImplementationOnce(() => Promise.reject(new TypeError("no route")));
    const unreachable = await post(cookie, `/internal/manage/webhooks/${id}/test`, { csrf });
    expect(await (await get(cookie, unreachable.headers.get("location")!)).text()).toContain(
      `<p class="notice" role="status">Test event not delivered: the endpoint could not be reached.</p>`,
    );
  });

  it("refuses a post without the session's CSRF token or from another site, and answers 404 for an unknown webhook, sending nothing", async () => {
    const id = await createWebhook("https://hooks.example.com/manage-test-refused");
    const cookie = await signIn();
    const csrf = csrfOf(await (await get(cookie, "/internal/manage/settings")).text());
    expect((await post(cookie, `/internal/manage/webhooks/${id}/test`, { csrf: "" })).status).toBe(403);
    expect((await post(cookie, `/internal/manage/webhooks/${id}/test`, { csrf }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post("", `/internal/manage/webhooks/${id}/test`, { csrf })).status).toBe(302);
    expect((await post(cookie, "/internal/manage/webhooks/wh_0000000000000000/test", { csrf })).status).toBe(404);
    expect((await post(cookie, "/internal/manage/webhooks/nope/test", { csrf })).status).toBe(404);
    expect(received).toHaveLength(0);
    expect(await deliveries(id)).toEqual([]);
    expect(await auditLines(id)).toEqual([]);
  });
});
