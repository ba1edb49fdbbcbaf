import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { fetchChecked } from "../helpers/document";
import { BASE, OWN_PAGE, signIn, get, csrfOf } from "../helpers/manage";
import { addResponses, addSurvey } from "../helpers/rollup-data";
import { createSurvey, invite, visit } from "../helpers/respondent";

function post(cookie: string, path: string, fields: [string, string][], headers: Record<string, string> = OWN_PAGE) {
  return fetchChecked(`${BASE}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: "manual",
  });
}

/** A signed-in session and the CSRF token its forms carry. */
async function session(): Promise<{ cookie: string; csrf: string }> {
  const cookie = await signIn();
  const csrf = csrfOf(await (await get(cookie, "/internal/manage/settings")).text());
  expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { cookie, csrf };
}

async function auditLines(subject: string) {
  const { results } = await env.DB.prepare("SELECT actor, action, subject, detail FROM audit_log WHERE subject = ?1 ORDER BY id").bind(subject).all();
  return results;
}

describe("manage pages", () => {
  it("send a signed-out visitor to sign in, and carry the internal headers, a skip link and sign-out when signed in", async () => {
    const out = await get("", "/internal/manage/surveys");
    expect(out.status).toBe(302);
    expect(out.headers.get("location")).toBe("/internal/sign-in?next=%2Finternal%2Fmanage%2Fsurveys");
    const cookie = await signIn();
    for (const path of ["/internal/manage/surveys", "/internal/manage/surveys/new", "/internal/manage/settings", "/internal/manage/send", "/internal/manage/audit"]) {
      const page = await get(cookie, path);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(page.headers.get("cache-control")).toBe("private, no-store");
      const html = await page.text();
      expect(html).toContain(`<a class="skip" href="#main">Skip to content</a>`);
      expect(html).toContain(`<form method="post" action="/internal/sign-out"><button type="submit" class="secondary">Sign out</button></form>`);
      expect(html).not.toContain("<script");
    }
  });

  it("refuse a change without the session's CSRF token, with another session's, and from another site", async () => {
    const { cookie, csrf } = await session();
    const fields = (token: string): [string, string][] => [["csrf", token], ["id", "csrf-refused"], ["name", "Nope"], ["metric", "csat"], ["scale", "1-5"], ["headline", "percent"], ["locale", "en"], ["timezone", "UTC"]];
    const missing = await post(cookie, "/internal/manage/surveys/new", fields(""));
    expect(missing.status).toBe(403);
    expect(await missing.text()).toContain("This form has expired or did not come from this session.");
    const other = await signIn();
    const otherToken = csrfOf(await (await get(other, "/internal/manage/settings")).text());
    expect(otherToken).not.toBe(csrf);
    expect((await post(cookie, "/internal/manage/surveys/new", fields(otherToken))).status).toBe(403);
    const crossSite = await post(cookie, "/internal/manage/surveys/new", fields(csrf), { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain("did not come from this site&#39;s own page");
    expect((await api("GET", "/api/v1/surveys/csrf-refused")).status).toBe(404);
  });

  it("fill the create form from a preset without script, and create the survey from it, audited", async () => {
    const { cookie, csrf } = await session();
    const form = await (await get(cookie, "/internal/manage/surveys/new?preset=nps-6-months")).text();
    expect(form).toContain(`<a href="/internal/manage/surveys/new?preset=csat-support">CSAT 1–5 after support</a>`);
    expect(form).toContain(`name="name" type="text" value="Net Promoter Score"`);
    expect(form).toContain(`<option value="nps" selected>NPS</option>`);
    expect(form).toContain(`name="recurrence_days" type="number" value="182"`);
    const csat = await (await get(cookie, "/internal/manage/surveys/new?preset=csat-support")).text();
    expect(csat).toContain(`<option value="1-5" selected>1–5</option>`);
    expect(csat).toContain(`name="touchpoint" type="text" value="support"`);

    const created = await post(cookie, "/internal/manage/surveys/new", [
      ["csrf", csrf],
      ["id", "manage-nps"],
      ["name", "Net Promoter Score"],
      ["metric", "nps"],
      ["scale", "0-10"],
      ["headline", "percent"],
      ["satisfied_min", ""],
      ["locale", "en"],
      ["question", "How likely are you to recommend us?"],
      ["touchpoint", "relationship"],
      ["attribute", ""],
      ["timezone", "Europe/Amsterdam"],
      ["segments", "plan, team"],
      ["recurrence_days", "182"],
      ["reminder_after_days", ""],
    ]);
    expect(created.status).toBe(303);
    expect(created.headers.get("location")).toBe("/internal/manage/surveys/manage-nps/responses?created=1");
    const survey = (await (await api("GET", "/api/v1/surveys/manage-nps")).json()) as Record<string, unknown>;
    expect(survey).toMatchObject({
      metric: "nps",
      scale: { min: 0, max: 10 },
      satisfied_min: 9,
      touchpoint: "relationship",
      timezone: "Europe/Amsterdam",
      segments: ["plan", "team"],
      question: { en: "How likely are you to recommend us?" },
      recurrence: { every_days: 182, window: null },
      reminder_after_days: null,
      public: false,
    });
    expect(await auditLines("manage-nps")).toEqual([{ actor: "admin", action: "survey.create", subject: "manage-nps", detail: 'nps 0-10 "Net Promoter Score"' }]);
  });

  it("show the API's validation error beside its field and keep what was typed", async () => {
    const { cookie, csrf } = await session();
    const refused = await post(cookie, "/internal/manage/surveys/new", [
      ["csrf", csrf],
      ["id", "manage-bad-zone"],
      ["name", "Typed <name> & kept"],
      ["metric", "csat"],
      ["scale", "1-5"],
      ["headline", "percent"],
      ["locale", "en"],
      ["timezone", "Mars/Olympus"],
    ]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain(`<p class="error" id="timezone-error">timezone: must be an IANA time zone such as Europe/Amsterdam</p>`);
    expect(html).toContain(`name="timezone" type="text" value="Mars/Olympus" aria-invalid="true" aria-describedby="timezone-hint timezone-error"`);
    expect(html).toContain(`value="Typed &lt;name&gt; &amp; kept"`);
    expect(html).toContain(`name="id" type="text" value="manage-bad-zone"`);
    // A rating survey without an attribute: the API's check across fields, beside the attribute.
    const rating = await post(cookie, "/internal/manage/surveys/new", [["csrf", csrf], ["id", "manage-rating"], ["name", "Rating"], ["metric", "rating"], ["scale", "1-5"], ["headline", "percent"], ["locale", "en"], ["timezone", "UTC"]]);
    expect(rating.status).toBe(400);
    expect(await rating.text()).toContain(`<p class="error" id="attribute-error">attribute: a rating survey names what it rates, e.g. &quot;delivery speed&quot;.</p>`);
    expect((await api("GET", "/api/v1/surveys/manage-bad-zone")).status).toBe(404);
    expect(await auditLines("manage-bad-zone")).toEqual([]);
  });

  it("edit and archive a survey, listing it only with the archived toggle", async () => {
    const { cookie, csrf } = await session();
    await addSurvey({ id: "manage-edit", metric: "csat" });
    const saved = await post(cookie, "/internal/manage/surveys/manage-edit/edit", [["csrf", csrf], ["name", "Renamed"], ["headline", "mean"], ["locale", "en"], ["timezone", "UTC"], ["satisfied_min", "4"]]);
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe("/internal/manage/surveys/manage-edit/edit?saved=1");
    expect(await (await api("GET", "/api/v1/surveys/manage-edit")).json()).toMatchObject({ name: "Renamed", headline: "mean", satisfied_min: 4 });
    const refused = await post(cookie, "/internal/manage/surveys/manage-edit/edit", [["csrf", csrf], ["name", "Renamed"], ["headline", "mean"], ["locale", "en"], ["timezone", "UTC"], ["satisfied_min", "9"]]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain(`<p class="error" id="satisfied_min-error">satisfied_min: must lie within the scale 1–5.</p>`);
    expect(html).toContain(`name="satisfied_min" type="number" value="9"`);

    expect(await (await get(cookie, "/internal/manage/surveys")).text()).toContain("/internal/manage/surveys/manage-edit/edit");
    const archived = await post(cookie, "/internal/manage/surveys/manage-edit/archive", [["csrf", csrf]]);
    expect(archived.status).toBe(303);
    expect(await (await api("GET", "/api/v1/surveys/manage-edit")).json()).toMatchObject({ archived: true });
    expect(await (await get(cookie, "/internal/manage/surveys")).text()).not.toContain("/internal/manage/surveys/manage-edit/edit");
    expect(await (await get(cookie, "/internal/manage/surveys?archived=1")).text()).toContain("/internal/manage/surveys/manage-edit/edit");
    expect((await auditLines("manage-edit")).map((line) => line.action)).toEqual(["survey.update", "survey.archive"]);
  });

  it("list responses newest first with filters, escape comments, and export what is filtered", async () => {
    const { cookie } = await session();
    await addSurvey({ id: "manage-responses", metric: "csat", segments: ["team"], timezone: "UTC" });
    const [older, newer, third] = await addResponses("manage-responses", [
      { at: Date.UTC(2026, 2, 1, 10), score: 2, comment: "<b>slow</b> & rude", properties: { team: "north" } },
      { at: Date.UTC(2026, 2, 3, 10), score: 5, comment: null, properties: { team: "south" } },
      { at: Date.UTC(2026, 2, 5, 10), score: 2, comment: "meh", status: "suspected", properties: { team: "north" } },
    ]);
    const all = await (await get(cookie, "/internal/manage/surveys/manage-responses/responses")).text();
    const order = [third, newer, older].map((id) => all.indexOf(`/internal/manage/responses/rsp_${id}/override`));
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(all).toContain("&lt;b&gt;slow&lt;/b&gt; &amp; rude");
    expect(all).not.toContain("<b>slow</b>");
    expect(all).toContain("tap: a tap from a person&#39;s browser");

    const filtered = await (await get(cookie, "/internal/manage/surveys/manage-responses/responses?status=counted&score=2&segment_key=team&segment_value=north&comment=yes&from=2026-03-01&to=2026-03-04")).text();
    expect(filtered).toContain(`rsp_${older}/override`);
    expect(filtered).not.toContain(`rsp_${newer}/override`);
    expect(filtered).not.toContain(`rsp_${third}/override`);
    expect(filtered).toContain(`href="/internal/manage/surveys/manage-responses/export?status=counted&amp;score=2&amp;from=2026-03-01&amp;to=2026-03-04&amp;segment_key=team&amp;segment_value=north&amp;comment=yes&amp;format=csv"`);
    const noComment = await (await get(cookie, "/internal/manage/surveys/manage-responses/responses?comment=no")).text();
    expect(noComment).toContain(`rsp_${newer}/override`);
    expect(noComment).not.toContain(`rsp_${older}/override`);

    const csv = await get(cookie, "/internal/manage/surveys/manage-responses/export?format=csv&score=2&segment_key=team&segment_value=north&comment=yes&to=2026-03-04");
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split("\r\n");
    expect(lines[0]).toBe("id,invitation,recipient,score,comment,status,reason,locale,created_at,updated_at,source,property.touchpoint,property.country,property.channel,property.variant,property.team");
    expect(lines.slice(1)).toEqual([`rsp_${older},${older},${older},2,<b>slow</b> & rude,counted,tap,,2026-03-01T10:00:00.000Z,2026-03-01T10:00:00.000Z,invitation,,,,,north`, ""]);
    const ndjson = await get(cookie, "/internal/manage/surveys/manage-responses/export?format=ndjson&comment=no");
    expect(ndjson.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
    const rows = (await ndjson.text()).trim().split("\n").map((line) => JSON.parse(line) as { id: string; score: number });
    expect(rows.map((row) => [row.id, row.score])).toEqual([[`rsp_${newer}`, 5]]);
    expect((await get("", "/internal/manage/surveys/manage-responses/export?format=csv")).status).toBe(302);
  });

  it("page through responses 50 at a time, keeping the filter", async () => {
    const { cookie } = await session();
    await addSurvey({ id: "manage-paging", metric: "csat" });
    const ids = await addResponses(
      "manage-paging",
      Array.from({ length: 52 }, (_, i) => ({ at: Date.UTC(2026, 3, 1) + i * 60_000, score: i === 0 ? 1 : 3 })),
    );
    const first = await (await get(cookie, "/internal/manage/surveys/manage-paging/responses?score=3")).text();
    expect(first.match(/\/override"/g)?.length).toBe(50);
    expect(first).toContain(`rsp_${ids[51]}/override`);
    expect(first).not.toContain(`rsp_${ids[1]}/override`);
    const next = /<a href="(\/internal\/manage\/surveys\/manage-paging\/responses\?score=3&amp;cursor=[^"]+)">Older responses<\/a>/.exec(first)?.[1];
    expect(next).toBeDefined();
    const second = await (await get(cookie, next!.replaceAll("&amp;", "&"))).text();
    expect(second.match(/\/override"/g)?.length).toBe(1);
    expect(second).toContain(`rsp_${ids[1]}/override`);
    expect(second).not.toContain("Older responses");
  });

  it("override a tapped response to excluded and back to the rule, returning to the filtered list, audited", async () => {
    const { cookie, csrf } = await session();
    await createSurvey("manage-override");
    const [invitation] = (await invite("manage-override", [{ recipient: "tapper" }])).invitations;
    expect((await visit(invitation!.links["2"]!)).status).toBe(200);
    const id = `rsp_${invitation!.id}`;
    expect(await (await api("GET", `/api/v1/responses/${id}`)).json()).toMatchObject({ status: "counted", reason: "tap", override: null });
    const list = await (await get(cookie, "/internal/manage/surveys/manage-override/responses")).text();
    expect(list).toContain(`<label for="o-${id}">Decision for tapper</label>`);

    const back = "/internal/manage/surveys/manage-override/responses?score=2";
    const overridden = await post(cookie, `/internal/manage/responses/${id}/override`, [["csrf", csrf], ["status", "excluded"], ["back", back]]);
    expect(overridden.status).toBe(303);
    expect(overridden.headers.get("location")).toBe(`${back}&saved=1`);
    expect(await (await api("GET", `/api/v1/responses/${id}`)).json()).toMatchObject({ status: "excluded", reason: "override", override: "excluded" });
    const shown = await (await get(cookie, `${back}&saved=1`)).text();
    expect(shown).toContain(`<p class="notice" role="status">Decision saved.</p>`);
    expect(shown).toContain(`<option value="excluded" selected>Excluded</option>`);

    const elsewhere = await post(cookie, `/internal/manage/responses/${id}/override`, [["csrf", csrf], ["status", "auto"], ["back", "https://evil.example/"]]);
    expect(elsewhere.headers.get("location")).toBe("/internal/manage/surveys/manage-override/responses?saved=1");
    expect(await (await api("GET", `/api/v1/responses/${id}`)).json()).toMatchObject({ status: "counted", reason: "tap", override: null });
    expect((await post(cookie, `/internal/manage/responses/${id}/override`, [["csrf", csrf], ["status", "maybe"]])).status).toBe(400);
    expect(await auditLines(id)).toEqual([
      { actor: "admin", action: "response.override", subject: id, detail: "counted → excluded" },
      { actor: "admin", action: "response.override", subject: id, detail: "excluded → auto" },
    ]);
  });

  it("show a new key's secret once, with the warning, and revoke it", async () => {
    const { cookie, csrf } = await session();
    const refused = await post(cookie, "/internal/manage/keys", [["csrf", csrf], ["name", "No scopes"], ["kind", "tapscore"]]);
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain(`<p class="error" id="scopes-error">scopes: must grant at least one scope</p>`);
    expect(refusedHtml).toContain(`value="No scopes"`);
    const created = await post(cookie, "/internal/manage/keys", [["csrf", csrf], ["name", "Zendesk"], ["kind", "tapscore"], ["scopes", "surveys:read"], ["scopes", "reports:read"]]);
    expect(created.status).toBe(200);
    const html = await created.text();
    expect(html).toContain("This is the only time the API key is shown.");
    const secret = /<textarea id="secret" readonly rows="2">(tsk_[^<]+)<\/textarea>/.exec(html)?.[1];
    expect(secret).toBeDefined();
    expect((await api("GET", "/api/v1/surveys", { token: secret! })).status).toBe(200);
    const id = secret!.split("_")[1]!;
    const settings = await (await get(cookie, "/internal/manage/settings")).text();
    expect(settings).toContain(id);
    expect(settings).not.toContain(secret!);
    const revoked = await post(cookie, `/internal/manage/keys/${id}/revoke`, [["csrf", csrf]]);
    expect(revoked.status).toBe(303);
    expect((await api("GET", "/api/v1/surveys", { token: secret! })).status).toBe(401);
    expect((await auditLines(id)).map((line) => [line.action, line.detail])).toEqual([
      ["key.create", "scopes surveys:read, reports:read"],
      ["key.revoke", "revoked"],
    ]);
  });

  it("create a Delighted-style key bound to a survey", async () => {
    const { cookie, csrf } = await session();
    await addSurvey({ id: "manage-delighted", metric: "nps" });
    const created = await post(cookie, "/internal/manage/keys", [["csrf", csrf], ["name", "Old client"], ["kind", "delighted"], ["delighted_survey", "manage-delighted"]]);
    expect(created.status).toBe(200);
    expect(await created.text()).toMatch(/<textarea id="secret" readonly rows="2">tsd_[A-Za-z0-9_-]+<\/textarea>/);
  });

  it("create a webhook with its events and format, show its delivery log, and delete it", async () => {
    const { cookie, csrf } = await session();
    const refused = await post(cookie, "/internal/manage/webhooks", [["csrf", csrf], ["url", "https://hooks.example.com/in"], ["format", "delighted"], ["events", "metric.drop"]]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(`<p class="error" id="events-error">events: Delighted had no metric.drop event; a standard or slack webhook can take it.</p>`);
    const created = await post(cookie, "/internal/manage/webhooks", [["csrf", csrf], ["url", "https://hooks.example.com/in"], ["format", "slack"], ["events", "response.created"], ["events", "response.low_score"]]);
    expect(created.status).toBe(200);
    const html = await created.text();
    expect(html).toContain("This is the only time the signing secret is shown.");
    const list = (await (await api("GET", "/api/v1/webhooks")).json()) as { webhooks: { id: string; url: string; format: string; events: string[] }[] };
    const hook = list.webhooks.find((w) => w.url === "https://hooks.example.com/in" && w.format === "slack")!;
    expect(hook.events).toEqual(["response.created", "response.low_score"]);
    const log = await get(cookie, `/internal/manage/webhooks/${hook.id}`);
    expect(log.status).toBe(200);
    expect(await log.text()).toContain("No deliveries yet.");
    expect((await post(cookie, `/internal/manage/webhooks/${hook.id}/delete`, [["csrf", csrf]])).status).toBe(303);
    expect((await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    expect((await auditLines(hook.id)).map((line) => line.action)).toEqual(["webhook.create", "webhook.delete"]);
  });

  it("add and remove an unsubscribe", async () => {
    const { cookie, csrf } = await session();
    const bad = await post(cookie, "/internal/manage/unsubscribes", [["csrf", csrf], ["email", "not-an-address"]]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(`value="not-an-address"`);
    expect((await post(cookie, "/internal/manage/unsubscribes", [["csrf", csrf], ["email", "Gone@Example.com"]])).status).toBe(303);
    expect(await (await get(cookie, "/internal/manage/settings")).text()).toContain("<td>gone@example.com</td>");
    expect((await post(cookie, "/internal/manage/unsubscribes/remove", [["csrf", csrf], ["email", "gone@example.com"]])).status).toBe(303);
    expect(await (await get(cookie, "/internal/manage/settings")).text()).not.toContain("<td>gone@example.com</td>");
    expect((await auditLines("gone@example.com")).map((line) => line.action)).toEqual(["unsubscribe.add", "unsubscribe.remove"]);
  });

  it("preview a CSV list with who is skipped and why, writing nothing, then schedule it", async () => {
    const { cookie, csrf } = await session();
    await addSurvey({ id: "manage-send", metric: "csat", segments: ["plan"] });
    await api("POST", "/api/v1/unsubscribes", { body: { email: "left@example.com" } });
    const csv = 'email,name,locale,plan,shoe_size\r\nann@example.com,"Ann, A.",nl,pro,41\r\nleft@example.com,Left,,,\r\n,Nobody,,,\r\nnot-an-address,Bad,,,\r\nANN@example.com,Ann again,,,\r\nbo@example.com,Bo,xx,,\r\ncy@example.com,Cy,,,';
    const sendsBefore = (await env.DB.prepare("SELECT COUNT(*) AS n FROM sends WHERE survey_id = 'manage-send'").first<{ n: number }>())!.n;
    const preview = await post(cookie, "/internal/manage/send/preview", [["csrf", csrf], ["survey", "manage-send"], ["csv", csv]]);
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain("2 will be asked, 5 skipped. Nothing has been sent yet.");
    expect(html).toContain("Columns this survey does not keep, left out: shoe_size.");
    expect(html).toContain("<td>3</td><td>left@example.com</td><td>Left</td><td>unsubscribed</td>");
    expect(html).toContain("<td>4</td><td>(none)</td><td>Nobody</td><td>no email address</td>");
    expect(html).toContain("<td>5</td><td>not-an-address</td><td>Bad</td><td>not an email address</td>");
    expect(html).toContain("<td>6</td><td>ANN@example.com</td><td>Ann again</td><td>listed twice</td>");
    expect(html).toContain("<td>7</td><td>bo@example.com</td><td>Bo</td><td>locale: must be one of en, nl, de, sv, pl</td>");
    expect(html).toContain("<td>2</td><td>ann@example.com</td><td>Ann, A.</td></tr>");
    expect(html).toContain("<button type=\"submit\">Send to 2</button>");
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM sends WHERE survey_id = 'manage-send'").first<{ n: number }>())!.n).toBe(sendsBefore);

    const confirmed = await post(cookie, "/internal/manage/send/confirm", [["csrf", csrf], ["survey", "manage-send"], ["csv", csv]]);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get("location")).toBe("/internal/manage/send?survey=manage-send&scheduled=2&skipped=5");
    const { results } = await env.DB.prepare("SELECT recipient, status FROM sends WHERE survey_id = 'manage-send' ORDER BY recipient").all();
    expect(results).toEqual([
      { recipient: "ann@example.com", status: "scheduled" },
      { recipient: "cy@example.com", status: "scheduled" },
      { recipient: "left@example.com", status: "suppressed" },
    ]);
    const invitation = await env.DB.prepare("SELECT locale, properties FROM invitations WHERE survey_id = 'manage-send' AND recipient = 'ann@example.com'").first();
    expect(invitation).toEqual({ locale: "nl", properties: '{"plan":"pro"}' });
    expect(await auditLines("manage-send")).toEqual([{ actor: "admin", action: "send.schedule", subject: "manage-send", detail: "2 scheduled, 5 skipped" }]);
    // A second list now: both are within the throttle.
    const again = await (await post(cookie, "/internal/manage/send/preview", [["csrf", csrf], ["survey", "manage-send"], ["csv", "email\ncy@example.com"]])).text();
    expect(again).toContain("<td>2</td><td>cy@example.com</td><td></td><td>emailed by a survey within the throttle</td>");
  });

  it("refuse a CSV that cannot be read, keeping it in the form", async () => {
    const { cookie, csrf } = await session();
    await addSurvey({ id: "manage-send-bad", metric: "csat" });
    const refused = await post(cookie, "/internal/manage/send/preview", [["csrf", csrf], ["survey", "manage-send-bad"], ["csv", 'email\n"open@example.com']]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain(`<p class="error" id="csv-error">line 2: a quoted field is never closed.</p>`);
    expect(html).toContain(`>email\n&quot;open@example.com</textarea>`);
  });

  it("show each platform's snippet in a read-only box, with the platform's placeholders", async () => {
    const { cookie } = await session();
    await addSurvey({ id: "manage-share", metric: "csat", segments: ["agent"] });
    const share = await get(cookie, "/internal/manage/surveys/manage-share/share");
    expect(share.status).toBe(200);
    const html = await share.text();
    for (const name of ["Zendesk", "Freshdesk", "Intercom", "Help Scout", "HubSpot", "Mailchimp"]) expect(html).toContain(`>${name}</h3>`);
    expect(html).toContain(`<li><code>agent</code>: <code>{{ticket.assignee.name}}</code></li>`);
    const link = /<textarea id="s-zendesk-link" data-copy readonly rows="2">([^<]+)<\/textarea>/.exec(html)?.[1];
    expect(link).toMatch(/^http:\/\/tapscore\.test\/t\/[A-Za-z0-9_-]+\/\{score\}\?r=\{\{ticket\.id\}\}&amp;email=\{\{ticket\.requester\.email\}\}&amp;channel=\{\{ticket\.via\}\}&amp;agent=\{\{ticket\.assignee\.name\}\}$/);
    expect(html).toMatch(/<textarea id="s-zendesk-html" data-copy readonly rows="6">&lt;/);
    await addSurvey({ id: "manage-share-closed", metric: "csat" });
    await api("DELETE", "/api/v1/surveys/manage-share-closed");
    expect((await get(cookie, "/internal/manage/surveys/manage-share-closed/share")).status).toBe(409);
  });

  it("make one person's signed links, refusing an unfilled placeholder as the recipient", async () => {
    const { cookie, csrf } = await session();
    await addSurvey({ id: "manage-one-off", metric: "csat" });
    const refused = await post(cookie, "/internal/manage/surveys/manage-one-off/link", [["csrf", csrf], ["recipient", "{{ticket.id}}"]]);
    expect(refused.status).toBe(400);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain(`<p class="error" id="recipient-error">recipient: is a template placeholder that was never filled in (such as {{ticket.id}} or *|EMAIL|*), not a recipient id</p>`);
    expect(refusedHtml).toContain(`name="recipient" type="text" value="{{ticket.id}}"`);
    const made = await post(cookie, "/internal/manage/surveys/manage-one-off/link", [["csrf", csrf], ["recipient", "cust-42"]]);
    expect(made.status).toBe(200);
    const html = await made.text();
    expect(html).toContain("Links for cust-42, working until");
    // Their blocks in read-only boxes the copy script gives a Copy button.
    expect(html).toContain(`<label id="one-html-label" for="one-html">Email block (HTML)</label><textarea id="one-html" data-copy readonly rows="6">&lt;`);
    expect(html).toContain(`<label id="one-text-label" for="one-text">Email block (text)</label><textarea id="one-text" data-copy readonly rows="4">`);
    expect(html).toMatch(/<script>\(\(\) => \{[^<]+<\/script><\/main>/);
    const link = /<li>4: <a href="(http:\/\/tapscore\.test\/r\/[^"]+\/4)">/.exec(html)?.[1];
    expect(link).toBeDefined();
    expect((await visit(link!)).status).toBe(200);
    const { results } = await env.DB.prepare("SELECT i.id, r.score FROM invitations i JOIN responses r ON r.invitation_id = i.id WHERE i.survey_id = 'manage-one-off' AND i.recipient = 'cust-42'").all<{ id: string; score: number }>();
    expect(results.map((row) => row.score)).toEqual([4]);
    expect(await auditLines(results[0]!.id)).toEqual([{ actor: "admin", action: "invitation.create", subject: results[0]!.id, detail: "one-off links for cust-42" }]);
  });

  it("list the audit log, newest first, for an admin", async () => {
    const { cookie, csrf } = await session();
    await addSurvey({ id: "manage-audit", metric: "csat" });
    await post(cookie, "/internal/manage/surveys/manage-audit/archive", [["csrf", csrf]]);
    const html = await (await get(cookie, "/internal/manage/audit")).text();
    expect(html).toMatch(/<tr><td>\d{4}-\d\d-\d\dT[\d:.]+Z<\/td><td>admin<\/td><td>survey\.archive<\/td><td>manage-audit<\/td><td>&quot;Survey manage-audit&quot;<\/td><\/tr>/);
  });
});
