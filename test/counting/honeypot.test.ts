import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createSurvey, invite, responseOf, visit } from "../helpers/respondent";

/**
 * The email block's invisible link, end to end: the snippet the API hands out carries it, its fetch
 * is kept as a scanner's signal and answers 204, and the counting rule then takes the requests of that
 * client (address network and user agent) for a scanner's, but not another client's.
 */

const SCANNER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36";
const PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.2 Mobile/15E148 Safari/604.1";
const browser = (ua: string, ip: string) => ({
  "user-agent": ua,
  "accept-language": "en-US",
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": "none",
  "sec-fetch-dest": "document",
  "sec-fetch-user": "?1",
  "cf-connecting-ip": ip,
});
/** A rented residential proxy: not a cloud network, a current browser's headers. */
const PROXY = { cf: { asn: 3320, country: "DE" } };

const honeypotOf = (html: string) => /<a href="([^"]+)" aria-hidden="true" tabindex="-1" style="display:none;[^"]*"><\/a>/.exec(html)?.[1];

describe("the honeypot link", () => {
  it("is in the email block, invisible, and its fetch turns that client's tap into a scanner's; a person's tap from elsewhere still counts", async () => {
    await createSurvey("honeypot-1");
    const [invitation] = (await invite("honeypot-1", [{ recipient: "hp-1" }])).invitations;
    const href = honeypotOf(invitation!.html);
    expect(href).toBe(`${invitation!.url}/more/info`);
    expect(invitation!.text).not.toContain("/more/info");

    // A scanner that looks like a person: counted, until it follows the hidden link.
    expect((await visit(invitation!.links["2"]!, PROXY, browser(SCANNER_UA, "203.0.113.7"))).status).toBe(200);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 2, status: "counted" });
    const hidden = await visit(href!, PROXY, browser(SCANNER_UA, "203.0.113.9"));
    expect(hidden.status).toBe(204);
    expect(await hidden.text()).toBe("");
    expect(hidden.headers.get("cache-control")).toBe("no-store");
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 2, status: "suspected", reason: "honeypot" });

    // The person, on their phone from another network, minutes later.
    expect((await visit(invitation!.links["5"]!, { cf: { asn: 3209, country: "DE" } }, browser(PHONE_UA, "198.51.100.20"))).status).toBe(200);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 5, status: "counted" });

    const kept = await env.DB.prepare("SELECT kind, score FROM events WHERE invitation_id = ?1 AND kind = 'honeypot'").bind(invitation!.id).all();
    expect(kept.results).toEqual([{ kind: "honeypot", score: null }]);
  });

  it("marks only requests from the same client near it: the same browser from another network still counts", async () => {
    await createSurvey("honeypot-2");
    const [invitation] = (await invite("honeypot-2", [{ recipient: "hp-2" }], { snippets: false })).invitations;
    expect((await visit(`${invitation!.url}/more/info`, PROXY, browser(SCANNER_UA, "203.0.113.7"))).status).toBe(204);
    expect(await responseOf(invitation!.id)).toBeNull();
    expect((await visit(invitation!.links["4"]!, PROXY, browser(SCANNER_UA, "192.0.2.44"))).status).toBe(200);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 4, status: "counted" });
  });

  it("answers an unknown link like the beacon does, with nothing kept", async () => {
    const before = (await env.DB.prepare("SELECT COUNT(*) AS n FROM events").first<{ n: number }>())!.n;
    const response = await visit(`https://tapscore.test/r/${"A".repeat(43)}/more/info`, PROXY, browser(SCANNER_UA, "203.0.113.7"));
    expect(response.status).toBe(404);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM events").first<{ n: number }>())!.n).toBe(before);
  });
});
