import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { BASE, errorOf } from "../helpers/api";
import { checkAgainstDocument } from "../helpers/document";
import { createSurvey } from "../helpers/respondent";

const SURVEY = "public-url";

/**
 * Invites through the Worker with its configuration changed (a deployed ENVIRONMENT, another
 * PUBLIC_URL), sent to Host evil.example; the answer is still held against the OpenAPI document.
 */
async function inviteWith(vars: Partial<Pick<Env, "ENVIRONMENT" | "PUBLIC_URL">>, recipient: string): Promise<Response> {
  const url = `${BASE.replace("tapscore.test", "evil.example")}/api/v1/surveys/${SURVEY}/invitations`;
  const request = new Request(url, {
    method: "POST",
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json", host: "evil.example" },
    body: JSON.stringify({ recipients: [{ recipient }], snippets: true }),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument("POST", url, response);
  return response;
}

const invitationsOf = async (recipient: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM invitations WHERE recipient = ?1").bind(recipient).first<{ n: number }>())!.n;

beforeAll(async () => {
  await createSurvey(SURVEY);
});

describe("the origin of invitation links", () => {
  it("is refused in production without PUBLIC_URL, whatever Host says, and nothing is written", async () => {
    const response = await inviteWith({ ENVIRONMENT: "production", PUBLIC_URL: "" }, "no-origin");
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe("public_url_missing");
    expect(error.message).toContain("PUBLIC_URL");
    expect(await invitationsOf("no-origin")).toBe(0);
  });

  it.each([
    ["http://feedback.example.com", "production"],
    ["feedback.example.com", "production"],
    ["https://feedback.example.com/tapscore", "production"],
    ["https://feedback.example.com/?x=1", "production"],
    ["https://user:pw@feedback.example.com", "production"],
    ["ftp://feedback.example.com", "development"],
    ["not a url", "development"],
  ])("refuses PUBLIC_URL %s in %s with a 409 naming it", async (publicUrl, environment) => {
    const response = await inviteWith({ ENVIRONMENT: environment, PUBLIC_URL: publicUrl }, "bad-origin");
    expect(response.status).toBe(409);
    const error = await errorOf(response);
    expect(error.code).toBe("public_url_invalid");
    expect(error.message).toContain("PUBLIC_URL");
    expect(await invitationsOf("bad-origin")).toBe(0);
  });

  it.each([
    ["https://feedback.example.com", "production", "https://feedback.example.com"],
    ["https://Feedback.Example.com:443/", "production", "https://feedback.example.com"],
    ["http://127.0.0.1:8787", "development", "http://127.0.0.1:8787"],
  ])("follows PUBLIC_URL %s in %s, never the Host header", async (publicUrl, environment, origin) => {
    const response = await inviteWith({ ENVIRONMENT: environment, PUBLIC_URL: publicUrl }, `ok-${environment}`);
    expect(response.status).toBe(201);
    const [invitation] = ((await response.json()) as { invitations: { url: string; links: Record<string, string>; html: string; text: string }[] }).invitations;
    expect(invitation!.url.startsWith(`${origin}/r/`)).toBe(true);
    for (const link of Object.values(invitation!.links)) expect(link.startsWith(`${origin}/r/`)).toBe(true);
    expect(`${invitation!.html}${invitation!.text}`).not.toContain("evil.example");
  });

  it("uses the request's own origin only in development", async () => {
    const response = await inviteWith({ ENVIRONMENT: "development", PUBLIC_URL: "" }, "local");
    expect(response.status).toBe(201);
    const [invitation] = ((await response.json()) as { invitations: { url: string }[] }).invitations;
    expect(invitation!.url.startsWith("http://evil.example/r/")).toBe(true);
  });
});
