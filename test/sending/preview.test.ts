import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, BASE } from "../helpers/api";
import { fetchChecked } from "../helpers/document";
import { createSurvey } from "../helpers/respondent";

/** The internal preview of survey emails: behind the gate, each message as it will be sent, its links tappable. */

const SURVEY = "preview-nps";

async function signedInCookie(): Promise<string> {
  const response = await fetchChecked(`${BASE}/internal/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ token: env.ADMIN_TOKEN, next: "/internal/" }).toString(),
    redirect: "manual",
  });
  expect(response.status).toBe(303);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

const get = (path: string, cookie: string | null) => fetchChecked(`${BASE}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

/** One message scheduled an hour ahead (no cron runs in these tests, so it stays scheduled). */
async function scheduled(recipient: string, extra: Record<string, unknown> = {}) {
  const response = await api("POST", `/api/v1/surveys/${SURVEY}/invitations`, {
    body: { recipients: [{ recipient, email: `${recipient}@example.com`, ...extra }], send: true, delay_seconds: 3600 },
  });
  expect(response.status).toBe(201);
  const { invitations, skipped } = (await response.json()) as { invitations: { links: Record<string, string>; send?: { id: string } }[]; skipped: unknown[] };
  expect(skipped).toEqual([]);
  const [invitation] = invitations;
  return { sendId: invitation!.send!.id, links: invitation!.links, token: new URL(invitation!.links["0"]!).pathname.split("/")[2]! };
}

let cookie = "";

beforeAll(async () => {
  await createSurvey(SURVEY, {
    metric: "nps",
    email: { sender_name: "Acme Support", reply_to: "help@acme.example", subject: { en: "{{name}}, would you recommend Acme?" } },
  });
  cookie = await signedInCookie();
});

describe("GET /internal/sends/:id", () => {
  it("shows the headers, the HTML in a sandboxed frame and the text part, every link tappable", async () => {
    const { sendId, links, token } = await scheduled("preview-anna", { name: "Anna <Admin>" });
    const response = await get(`/internal/sends/${sendId}`, cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    // The strict policy of every internal page: no script but the Copy buttons' one, by its hash; no frame of this page elsewhere.
    expect(response.headers.get("content-security-policy")).toMatch(
      /^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/]{43}='; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const page = await response.text();
    expect(page).toContain("<h1>Anna &lt;Admin&gt;, would you recommend Acme?</h1>");
    expect(page).toContain('<th scope="row">To</th><td class="wrap">preview-anna@example.com</td>');
    expect(page).toContain('<th scope="row">Reply-To</th><td class="wrap">help@acme.example</td>');
    expect(page).toContain('<th scope="row">Subject</th><td class="wrap">Anna &lt;Admin&gt;, would you recommend Acme?</td>');
    expect(page).toMatch(/<th scope="row">From<\/th><td class="wrap">Acme Support &lt;[^&]+@[^&]+&gt;<\/td>/);
    expect(page).toContain(`<th scope="row">List-Unsubscribe</th><td class="wrap">&lt;http://tapscore.test/r/${token}/unsubscribe&gt;</td>`);
    expect(page).toContain('<th scope="row">List-Unsubscribe-Post</th><td class="wrap">List-Unsubscribe=One-Click</td>');
    expect(page).toContain('<th scope="row">Status</th><td class="wrap">scheduled</td>');
    // The message's HTML, escaped once more inside srcdoc, in a frame that has no script and opens links only on a tap.
    const frames = [...page.matchAll(/<iframe [^>]*sandbox="allow-popups allow-top-navigation-by-user-activation"[^>]* srcdoc="([^"]*)"><\/iframe>/g)];
    expect(frames).toHaveLength(2);
    const srcdoc = frames[0]![1]!;
    expect(srcdoc.startsWith("&lt;!DOCTYPE html&gt;\n&lt;html lang=&quot;en&quot; dir=&quot;ltr&quot;&gt;\n&lt;head&gt;\n&lt;base target=&quot;_top&quot;&gt;\n")).toBe(true);
    expect(page).not.toContain("<script");
    // Every score link and the unsubscribe link: in the frame, and clickable in the text part.
    expect(Object.keys(links)).toHaveLength(11);
    for (const link of [...Object.values(links), `http://tapscore.test/r/${token}/unsubscribe`]) {
      expect(srcdoc, link).toContain(`href=&quot;${link}&quot;`);
      expect(page, link).toContain(`<a href="${link}">${link}</a>`);
    }
    expect(page).toContain("Hi Anna &lt;Admin&gt;, we would love to hear what you think.");
  });

  it("answers 404 for a message that does not exist", async () => {
    for (const id of ["snd_00000000000000000000000000000000", "not-an-id"]) {
      const response = await get(`/internal/sends/${id}`, cookie);
      expect(response.status, id).toBe(404);
      expect(await response.text()).toContain("<h1>No such message</h1>");
    }
  });

  it("sends a visitor who is not signed in to sign in, and shows no data", async () => {
    const { sendId } = await scheduled("preview-anonymous");
    for (const path of [`/internal/sends/${sendId}`, "/internal/sends/snd_00000000000000000000000000000000", "/internal/sends"]) {
      const response = await get(path, null);
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location")).toBe(`/internal/sign-in?next=${encodeURIComponent(path)}`);
      expect(await response.text()).toBe("");
    }
  });
});

describe("GET /internal/sends", () => {
  it("lists the latest messages with recipient, subject, status and send time, each linked to its preview", async () => {
    const { sendId } = await scheduled("preview-list", { name: "Lena" });
    const response = await get("/internal/sends", cookie);
    expect(response.status).toBe(200);
    const page = await response.text();
    const row = new RegExp(`<tr><td><a href="/internal/sends/${sendId}">${sendId}</a></td>(.*?)</tr>`).exec(page);
    expect(row).not.toBeNull();
    expect(row![1]).toContain('<td class="wrap">preview-list<br><span class="muted">preview-list@example.com</span></td>');
    expect(row![1]).toContain('<td class="wrap">Lena, would you recommend Acme?</td>');
    expect(row![1]).toMatch(/<td>scheduled<\/td><td>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/td><td>preview-nps<\/td>$/);
  });
});
