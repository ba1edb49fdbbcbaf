import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { linkSecrets } from "../../functions/links/link-secrets";
import { signToken } from "../../functions/links/token";
import { api, errorOf } from "../helpers/api";
import { decide } from "../../functions/counting/counting-rule";
import { COMMENT_MAX_LENGTH } from "../../functions/counting/comment";
import { MAX_FORM_BYTES } from "../../functions/respondent/routes";
import { historyOf, readAnswer } from "../../functions/storage/answers";
import { countRows, createSurvey, invite, nonceOf, postBody, postForm, responseOf, visit, PERSON } from "../helpers/respondent";

beforeAll(async () => {
  await createSurvey("flow", { segments: ["agent"], touchpoint: "support", follow_up: { en: "What could we do better?" } });
});

describe("invitations", () => {
  it("returns links for every score, a snippet in the invitation's language, and skips duplicates", async () => {
    const { invitations, skipped } = await invite("flow", [
      { recipient: "cust-1", email: "one@example.com", properties: { agent: "ana", country: "NL", channel: "email" } },
      { recipient: "cust-2", locale: "sv" },
      { recipient: "cust-1" },
    ]);
    expect(invitations).toHaveLength(2);
    expect(skipped).toEqual([{ recipient: "cust-1", reason: "duplicate_in_request" }]);
    const [first, second] = invitations;
    expect(Object.keys(first!.links)).toEqual(["1", "2", "3", "4", "5"]);
    for (const [score, link] of Object.entries(first!.links)) {
      expect(link).toMatch(new RegExp(`^http://tapscore\\.test/r/[A-Za-z0-9_-]{43}/${score}$`));
      expect(link.replace("http://tapscore.test", "https://feedback.example.com").length).toBeLessThan(120);
      expect(first!.html).toContain(link);
      expect(first!.text).toContain(link);
    }
    expect(first!.html).not.toContain("<script");
    expect(second!.locale).toBe("sv");
    expect(second!.text).toContain("Väldigt nöjd");
    const stored = await env.DB.prepare("SELECT properties FROM invitations WHERE id = ?1").bind(first!.id).first<{ properties: string }>();
    expect(JSON.parse(stored!.properties)).toEqual({ touchpoint: "support", agent: "ana", country: "NL", channel: "email" });
  });

  it("skips anyone invited within throttle_days", async () => {
    await invite("flow", [{ recipient: "tired" }]);
    const again = await invite("flow", [{ recipient: "tired" }, { recipient: "fresh" }], { throttle_days: 90 });
    expect(again.skipped).toEqual([{ recipient: "tired", reason: "recently_invited" }]);
    expect(again.invitations.map((i) => i.recipient)).toEqual(["fresh"]);
  });

  it("writes 1,000 recipients in one call", async () => {
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ recipient: `bulk-${i}` }));
    const before = await countRows("invitations");
    const { invitations } = await invite("flow", recipients, { snippets: false });
    expect(invitations).toHaveLength(1000);
    expect(invitations[0]).not.toHaveProperty("html");
    expect(await countRows("invitations")).toBe(before + 1000);
  });

  it.each([
    [{ recipients: [] }, "recipients"],
    [{ recipients: Array.from({ length: 1001 }, (_, i) => ({ recipient: `r${i}` })) }, "recipients"],
    [{ recipients: [{ recipient: "" }] }, "recipients.0.recipient"],
    [{ recipients: [{ recipient: "x", email: "not-an-email" }] }, "recipients.0.email"],
    [{ recipients: [{ recipient: "x", locale: "fr" }] }, "recipients.0.locale"],
    [{ recipients: [{ recipient: "x", properties: { plan: "pro" } }] }, "recipients.0.properties.plan"],
    [{ recipients: [{ recipient: "x", properties: { country: "Netherlands" } }] }, "recipients.0.properties.country"],
    [{ recipients: [{ recipient: "x" }], expires_in_days: 0 }, "expires_in_days"],
    [{ recipients: [{ recipient: "x" }], throttle_days: -1 }, "throttle_days"],
  ])("refuses %j naming %s, and writes nothing", async (body, field) => {
    const before = await countRows("invitations");
    const response = await api("POST", "/api/v1/surveys/flow/invitations", { body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
    expect(await countRows("invitations")).toBe(before);
  });

  it("refuses invitations to an unknown or archived survey", async () => {
    expect((await api("POST", "/api/v1/surveys/nope/invitations", { body: { recipients: [{ recipient: "x" }] } })).status).toBe(404);
    await createSurvey("closed-one");
    await api("DELETE", "/api/v1/surveys/closed-one");
    const response = await api("POST", "/api/v1/surveys/closed-one/invitations", { body: { recipients: [{ recipient: "x" }] } });
    expect(response.status).toBe(409);
  });
});

describe("a person's tap", () => {
  it("is counted with the chosen score, can be changed and commented, and stays one response", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "person-1" }])).invitations;
    const page = await visit(invitation!.links["4"]!);
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(new TextEncoder().encode(html).length).toBeLessThan(15_000);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('value="4" aria-pressed="true"><span aria-hidden="true">4</span><span class="sr">4 out of 5: Satisfied</span>');
    // Equal buttons show their numbers; the words of the ends stand under the ends.
    expect(html).toContain('<div class="ends" aria-hidden="true"><span>Very dissatisfied</span><span>Very satisfied</span></div>');
    expect(html).toContain("What could we do better?");
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 4, status: "counted", reason: "tap" });

    const changed = await postForm(invitation!.url, { action: "choose", score: "2", nonce: nonceOf(html) });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain('value="2" aria-pressed="true">');
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 2, status: "counted", reason: "confirmed" });

    const comment = 'Slow reply <script>alert("x")</script> & more';
    const commented = await postForm(invitation!.url, { action: "comment", score: "2", comment, nonce: "n".repeat(16) });
    const commentedHtml = await commented.text();
    expect(commentedHtml).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more");
    expect(commentedHtml).not.toContain("<script>alert");
    // Finished: the page says so, folds the comment away (still editable) and keeps the scale for a change of mind.
    expect(commentedHtml).toContain("Your comment has been saved. That’s all — thank you! You can close this page.</p>");
    expect(commentedHtml).toMatch(/<details><summary>Edit your comment<\/summary><form method="post"[^>]*>.*<textarea id="comment"/);
    expect(commentedHtml).toContain("<legend>Changed your mind? Choose another score</legend>");
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 2, comment, status: "counted" });
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE invitation_id = ?1").bind(invitation!.id).first<{ n: number }>())!.n).toBe(1);
  });

  it("shows the scale without a choice at /r/{token} and records only a view", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "viewer" }])).invitations;
    const page = await visit(invitation!.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('aria-pressed="true"');
    // The question once on screen: the heading; the scale's legend says it to screen readers only.
    expect(html).toContain("<h1>How satisfied are you with our service?</h1>");
    expect(html).toContain('<legend class="sr">How satisfied are you with our service?</legend>');
    expect(html).not.toContain("<details>");
    expect(await responseOf(invitation!.id)).toBeNull();
  });

  it("speaks the invitation's language, then the survey's", async () => {
    await createSurvey("flow-nl", { locale: "nl" });
    const { invitations } = await invite("flow-nl", [{ recipient: "a", locale: "pl" }, { recipient: "b" }]);
    expect(await (await visit(invitations[0]!.links["5"]!)).text()).toContain('<html lang="pl">');
    expect(await (await visit(invitations[1]!.links["5"]!)).text()).toContain("Bedankt!");
  });

  it("settles concurrent double taps on one response", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "double" }])).invitations;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => visit(invitation!.links[i % 2 ? "5" : "4"]!)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE invitation_id = ?1").bind(invitation!.id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    expect((await responseOf(invitation!.id))!.status).toBe("counted");
  });

  it("refuses a comment over 2,000 characters with a page, keeping the old one", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "verbose" }])).invitations;
    await visit(invitation!.links["3"]!);
    const response = await postForm(invitation!.url, { action: "comment", score: "3", comment: "x".repeat(2001) });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("too long");
    expect((await responseOf(invitation!.id))!.comment).toBeNull();
  });
});

describe("long comments in any script", () => {
  // "€" is 3 UTF-8 bytes, 9 once percent-encoded; "😀" is 4 bytes (12 encoded) and 2 UTF-16 units, 1 code point.
  it.each([
    ["€", "a 3-byte character"],
    ["😀", "a 4-byte emoji"],
  ])("takes %s × 2,000 (%s) and keeps it exactly; 2,001 come back in the textarea", async (character) => {
    const [invitation] = (await invite("flow", [{ recipient: `long-${character}` }])).invitations;
    await visit(invitation!.links["4"]!);
    const longest = character.repeat(COMMENT_MAX_LENGTH);
    const saved = await postForm(invitation!.url, { action: "comment", score: "4", comment: longest });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain(`>${longest}</textarea>`);
    expect((await responseOf(invitation!.id))!.comment).toBe(longest);

    const tooLong = character.repeat(COMMENT_MAX_LENGTH + 1);
    const refused = await postForm(invitation!.url, { action: "comment", score: "4", comment: tooLong });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain("too long");
    expect(page).toContain(`>${tooLong}</textarea>`);
    expect((await responseOf(invitation!.id))!.comment).toBe(longest);
  });

  it("shows a comment over the limit back escaped", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "long-markup" }])).invitations;
    await visit(invitation!.links["2"]!);
    const markup = "</textarea><script>alert(1)</script>&";
    const comment = markup + "ж".repeat(COMMENT_MAX_LENGTH + 1 - markup.length);
    const refused = await postForm(invitation!.url, { action: "comment", score: "2", comment });
    expect(refused.status).toBe(400);
    const page = await refused.text();
    expect(page).toContain(`>&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;${"ж".repeat(COMMENT_MAX_LENGTH + 1 - markup.length)}</textarea>`);
    expect(page).not.toContain("<script>alert(1)");
  });

  it("answers a form far over the limit with a localized 413 page that keeps the comment's first 2,000 characters", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "huge-comment", locale: "de" }])).invitations;
    await visit(invitation!.links["5"]!);
    await postForm(invitation!.url, { action: "comment", score: "5", comment: "Gut" });
    // 200,000 "€": 1.8 MB encoded, over the 1 MiB any other route may declare.
    const body = new URLSearchParams({ nonce: "n".repeat(16), action: "comment", score: "5", comment: "€".repeat(200_000) }).toString();
    expect(body.length).toBeGreaterThan(1_048_576);
    const response = await postBody(invitation!.url, body, { ...PERSON, "sec-fetch-site": "same-origin" });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<html lang="de">');
    expect(page).toContain("Ihr Kommentar war zu lang");
    expect(page).toContain(`>${"€".repeat(COMMENT_MAX_LENGTH)}</textarea>`);
    expect((await responseOf(invitation!.id))!.comment).toBe("Gut");
  });

  it("answers a body over the limit that holds no comment with the scale and a 413", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "huge-junk" }])).invitations;
    const before = await countRows("events");
    const response = await postBody(invitation!.url, `junk=${"x".repeat(MAX_FORM_BYTES)}`, { ...PERSON, "sec-fetch-site": "same-origin" });
    expect(response.status).toBe(413);
    const page = await response.text();
    expect(page).toContain("too large to receive");
    expect(page).not.toContain('aria-pressed="true"');
    expect(await countRows("events")).toBe(before);
  });
});

describe("posts from another site", () => {
  const EVIL = "https://evil.example";
  /** A person's own browser, on another site's page that posts our form. */
  const CROSS_SITE = { ...PERSON, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", origin: EVIL };
  /** Safari before 16.4 sends no Sec-Fetch headers; its Origin still names the page. */
  const OLD_SAFARI = {
    "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1",
    "accept-language": "en-GB,en;q=0.9",
  };
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const decision = async (invitationId: string) => {
    const row = await responseOf(invitationId);
    return row && { score: row.score, status: row.status, reason: row.reason, comment: row.comment };
  };
  const lastEvent = async (invitationId: string) => {
    const row = await env.DB.prepare("SELECT kind, score, signals FROM events WHERE invitation_id = ?1 ORDER BY seq DESC LIMIT 1")
      .bind(invitationId)
      .first<{ kind: string; score: number | null; signals: string }>();
    return row && { ...row, signals: JSON.parse(row.signals) as Record<string, unknown> };
  };

  it("never change the counted answer: 403, nothing changed, the post kept as an event; a same-origin post still changes it", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "csrf-target" }])).invitations;
    const html = await (await visit(invitation!.links["5"]!)).text();
    await postForm(invitation!.url, { action: "comment", score: "5", comment: "Great service", nonce: nonceOf(html) });
    const counted = { score: 5, status: "counted", reason: "confirmed", comment: "Great service" };
    expect(await decision(invitation!.id)).toEqual(counted);

    const forged = await postBody(invitation!.url, form({ action: "comment", score: "1", comment: "Terrible", nonce: "f".repeat(16) }), CROSS_SITE);
    expect(forged.status).toBe(403);
    expect(forged.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await forged.text();
    expect(page).toContain("Nothing was changed");
    expect(page).not.toContain("Terrible");
    expect(await decision(invitation!.id)).toEqual(counted);
    expect(await lastEvent(invitation!.id)).toMatchObject({ kind: "comment", score: 1, signals: { fetch_site: "cross-site", origin_mismatch: true } });

    // A sibling subdomain is another site too.
    const sibling = await postBody(invitation!.url, form({ action: "choose", score: "2" }), { ...CROSS_SITE, "sec-fetch-site": "same-site" });
    expect(sibling.status).toBe(403);
    expect(await decision(invitation!.id)).toEqual(counted);

    const changed = await postForm(invitation!.url, { action: "choose", score: "3" });
    expect(changed.status).toBe(200);
    expect(await decision(invitation!.id)).toEqual({ ...counted, score: 3 });
  });

  it("are told apart by their Origin where the browser sends no Sec-Fetch headers", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "old-safari" }])).invitations;
    await visit(invitation!.links["4"]!, {}, OLD_SAFARI);
    expect(await decision(invitation!.id)).toMatchObject({ score: 4, status: "counted" });

    const forged = await postBody(invitation!.url, form({ action: "choose", score: "1" }), { ...OLD_SAFARI, origin: EVIL });
    expect(forged.status).toBe(403);
    expect(await decision(invitation!.id)).toMatchObject({ score: 4, status: "counted" });
    expect(await lastEvent(invitation!.id)).toMatchObject({ kind: "choose", score: 1, signals: { origin_mismatch: true } });

    // Our own page's post: our origin, or "null" where the browser follows our no-referrer policy.
    expect((await postBody(invitation!.url, form({ action: "choose", score: "2" }), { ...OLD_SAFARI, origin: "http://tapscore.test" })).status).toBe(200);
    expect(await decision(invitation!.id)).toMatchObject({ score: 2, status: "counted", reason: "confirmed" });
    expect((await postBody(invitation!.url, form({ action: "choose", score: "3" }), { ...OLD_SAFARI, origin: "null" })).status).toBe(200);
    expect(await decision(invitation!.id)).toMatchObject({ score: 3, status: "counted", reason: "confirmed" });
  });

  it("alone count nothing: the invitation's response is suspected as cross_site, visible in the API", async () => {
    await createSurvey("flow-cross-site");
    const [invitation] = (await invite("flow-cross-site", [{ recipient: "forged-only" }])).invitations;
    expect((await postBody(invitation!.url, form({ action: "choose", score: "5" }), CROSS_SITE)).status).toBe(403);
    expect(await decision(invitation!.id)).toEqual({ score: 5, status: "suspected", reason: "cross_site", comment: null });
    const listed = (await (await api("GET", "/api/v1/surveys/flow-cross-site/responses?status=suspected")).json()) as { responses: { recipient: string; reason: string }[] };
    expect(listed.responses).toEqual([expect.objectContaining({ recipient: "forged-only", reason: "cross_site" })]);
  });

  it("keep the beacon from confirming when another site sends it", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "beacon-cross-site" }])).invitations;
    await visit(invitation!.links["4"]!);
    const beacon = (headers: Record<string, string>) => visit(`${invitation!.url}/signal`, { method: "POST" }, headers);
    expect((await beacon({ ...CROSS_SITE, "sec-fetch-mode": "no-cors", "sec-fetch-dest": "empty" })).status).toBe(204);
    expect(decide(historyOf((await readAnswer(env.DB, invitation!.id)).events))).toMatchObject({ score: 4, reason: "tap" });
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 4, status: "counted", reason: "tap" });
    expect((await beacon({ ...PERSON, "sec-fetch-site": "same-origin", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "empty" })).status).toBe(204);
    expect(decide(historyOf((await readAnswer(env.DB, invitation!.id)).events))).toMatchObject({ score: 4, reason: "confirmed" });
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 4, status: "counted", reason: "confirmed" });
  });
});

describe("scanners", () => {
  it("do not count: a sweep of every link, HEAD probes and prefetches", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "scanned" }])).invitations;
    const scanner = { "user-agent": PERSON["user-agent"] };
    await visit(invitation!.links["1"]!, { method: "HEAD" }, scanner);
    await visit(invitation!.links["5"]!, {}, { ...PERSON, "sec-purpose": "prefetch" });
    await Promise.all(Object.values(invitation!.links).map((link) => visit(link, {}, scanner)));
    expect(await responseOf(invitation!.id)).toMatchObject({ status: "suspected", reason: "sweep" });
  });

  it("do not hide the person who taps after them", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "scanned-then-person" }])).invitations;
    await Promise.all(Object.values(invitation!.links).map((link) => visit(link, {}, { "user-agent": "Mozilla/5.0 (compatible; MSIE 10.0)" })));
    expect((await responseOf(invitation!.id))!.status).toBe("suspected");
    const rows = await env.DB.prepare("SELECT seq FROM events WHERE invitation_id = ?1").bind(invitation!.id).all<{ seq: number }>();
    // The person taps later: age the scanner's events (kept in the invitation's answer) rather than wait.
    const { events } = await readAnswer(env.DB, invitation!.id);
    await env.DB.prepare("UPDATE answers SET events = ?2 WHERE invitation_id = ?1")
      .bind(invitation!.id, JSON.stringify(events.map((event) => ({ ...event, at: event.at - 600_000 }))))
      .run();
    expect(rows.results.length).toBe(5);
    await visit(invitation!.links["4"]!);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 4, status: "counted" });
  });

  it("are caught by user agent with the reason shown", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "bot-hit" }])).invitations;
    await visit(invitation!.links["1"]!, {}, { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/142.0.0.0 Safari/537.36" });
    expect(await responseOf(invitation!.id)).toMatchObject({ status: "suspected", reason: "headless_client" });
  });
});

describe("links that cannot be used", () => {
  it.each([
    ["a forged token", (t: string) => t.slice(0, -2) + (t.endsWith("AA") ? "BB" : "AA")],
    ["a truncated token", (t: string) => t.slice(0, 30)],
    ["garbage", () => "not-a-token"],
  ])("answers %s with a localized 404 page and stores nothing", async (_what, alter) => {
    const [invitation] = (await invite("flow", [{ recipient: `bad-${Math.random()}` }])).invitations;
    const token = new URL(invitation!.url).pathname.split("/")[2]!;
    const before = await countRows("events");
    const response = await visit(`http://x/r/${alter(token)}/4`, {}, { ...PERSON, "accept-language": "de-DE,de;q=0.9" });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('<html lang="de">');
    expect(await countRows("events")).toBe(before);
    expect(await responseOf(invitation!.id)).toBeNull();
  });

  it("answers an expired token with 410 in the invitation's language", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "late", locale: "nl" }])).invitations;
    const expired = await signToken(linkSecrets(env), { invitationId: invitation!.id, expiresAt: Date.now() - 1000 });
    const before = await countRows("events");
    const response = await visit(`http://x/r/${expired}/5`);
    expect(response.status).toBe(410);
    expect(await response.text()).toContain('<html lang="nl">');
    expect(await countRows("events")).toBe(before);
  });

  it("answers a score off the scale with the scale and a 400, storing nothing", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "off-scale" }])).invitations;
    const before = await countRows("events");
    for (const score of ["0", "6", "99", "abc", "-1"]) {
      const response = await visit(invitation!.url + "/" + score);
      expect(response.status).toBe(400);
    }
    expect(await countRows("events")).toBe(before);
  });

  it("answers the beacon and HEAD probes of such links with the status alone", async () => {
    const [invitation] = (await invite("flow", [{ recipient: "beacon" }])).invitations;
    const token = new URL(invitation!.url).pathname.split("/")[2]!;
    const forged = `http://x/r/${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    const expired = `http://x/r/${await signToken(linkSecrets(env), { invitationId: invitation!.id, expiresAt: Date.now() - 1000 })}`;
    expect((await visit(`${invitation!.url}/signal`, { method: "POST" })).status).toBe(204);
    for (const [url, status] of [[forged, 404], [expired, 410]] as const) {
      const signal = await visit(`${url}/signal`, { method: "POST" });
      expect(signal.status).toBe(status);
      expect(await signal.text()).toBe("");
      expect((await visit(url, { method: "HEAD" })).status).toBe(status);
      expect((await visit(`${url}/3`, { method: "HEAD" })).status).toBe(status);
    }
  });

  it("answers an archived survey's link with 410 closed", async () => {
    await createSurvey("flow-archived");
    const [invitation] = (await invite("flow-archived", [{ recipient: "x" }])).invitations;
    await api("DELETE", "/api/v1/surveys/flow-archived");
    expect((await visit(invitation!.links["3"]!)).status).toBe(410);
  });
});

describe("responses API", () => {
  it("lists responses newest first with a cursor, and filters by status", async () => {
    await createSurvey("listing");
    const { invitations } = await invite("listing", [{ recipient: "l1" }, { recipient: "l2" }, { recipient: "l3" }]);
    for (const invitation of invitations) await visit(invitation.links["5"]!);
    await Promise.all(Object.values(invitations[2]!.links).map((link) => visit(link, {}, { "user-agent": "curl/8.5" })));

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api("GET", `/api/v1/surveys/listing/responses?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { responses: { recipient: string; status: string; score: number }[]; next_cursor: string | null };
      seen.push(...page.responses.map((r) => r.recipient));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(["l1", "l2", "l3"]);

    const counted = (await (await api("GET", "/api/v1/surveys/listing/responses?status=counted")).json()) as { responses: unknown[] };
    expect(counted.responses).toHaveLength(3);
    expect((await api("GET", "/api/v1/surveys/listing/responses?status=maybe")).status).toBe(400);
    expect((await api("GET", "/api/v1/surveys/listing/responses?cursor=zzz")).status).toBe(400);
  });

  it("lets an admin override the rule and return to it", async () => {
    await createSurvey("override");
    const [invitation] = (await invite("override", [{ recipient: "o1" }])).invitations;
    await Promise.all(Object.values(invitation!.links).map((link) => visit(link, {}, { "user-agent": "python-requests/2.32" })));
    const id = (await responseOf(invitation!.id))!.id;
    expect((await responseOf(invitation!.id))!.status).toBe("suspected");

    const counted = await api("PATCH", `/api/v1/responses/${id}`, { body: { status: "counted" } });
    expect(counted.status).toBe(200);
    expect(await counted.json()).toMatchObject({ status: "counted", reason: "override", override: "counted" });
    const excluded = await api("PATCH", `/api/v1/responses/${id}`, { body: { status: "excluded" } });
    expect(await excluded.json()).toMatchObject({ status: "excluded", reason: "override" });
    const auto = await api("PATCH", `/api/v1/responses/${id}`, { body: { status: "auto" } });
    expect(await auto.json()).toMatchObject({ status: "suspected", override: null });

    expect((await api("PATCH", `/api/v1/responses/${id}`, { body: { status: "deleted" } })).status).toBe(400);
    expect((await api("PATCH", "/api/v1/responses/rsp_nope", { body: { status: "counted" } })).status).toBe(404);
  });
});
