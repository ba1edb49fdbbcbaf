import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { BASE } from "../helpers/api";
import { checkAgainstDocument } from "../helpers/document";

/**
 * The Cloudflare Access gate of /internal/* (functions/internal/access.ts) through the Worker's fetch
 * handler, with ACCESS_TEAM_DOMAIN and ACCESS_AUD set. The team's certs are served by the test: the
 * Worker's outbound fetch of https://<team>/cdn-cgi/access/certs is answered by a stub holding the
 * public key of a local key pair, so tokens signed here stand in for Access's.
 */

const TEAM = "wired-team.example.test";
const AUD = "wired-aud-0123456789abcdef";
const KID = "wired-key-1";
const accessEnv = { ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD } as unknown as Env;

let signing: CryptoKey;
let stranger: CryptoKey;
let publicJwk: JWK;
const fetched: string[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  signing = pair.privateKey;
  stranger = (await generateKeyPair("RS256")).privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: "RS256", use: "sig" };
  const realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(`https://${TEAM}/`)) {
      fetched.push(url);
      return Response.json({ keys: [publicJwk] });
    }
    return realFetch(input, init);
  });
});
afterAll(() => {
  vi.unstubAllGlobals();
});

const nowS = () => Math.floor(Date.now() / 1000);

interface Claims {
  iss?: string;
  aud?: string;
  exp?: number;
  key?: CryptoKey | Uint8Array;
  alg?: string;
}

function token({ iss = `https://${TEAM}`, aud = AUD, exp = nowS() + 3600, key = signing, alg = "RS256" }: Claims = {}): Promise<string> {
  return new SignJWT({ email: "analyst@example.com" })
    .setProtectedHeader({ alg, kid: KID })
    .setIssuer(iss)
    .setAudience(aud)
    .setSubject("user-1")
    .setIssuedAt(nowS() - 60)
    .setExpirationTime(exp)
    .sign(key);
}

const b64url = (value: unknown) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function internal(assertion: string | null): Promise<Response> {
  const headers: Record<string, string> = {};
  if (assertion !== null) headers["cf-access-jwt-assertion"] = assertion;
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}/internal/`, { headers, redirect: "manual" }) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, accessEnv, ctx);
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument("GET", `${BASE}/internal/`, response);
  return response;
}

async function refused(assertion: string | null): Promise<void> {
  const response = await internal(assertion);
  expect(response.status).toBe(403);
  expect(await response.text()).toBe("Cloudflare Access sign-in required.");
}

describe("the Cloudflare Access gate", () => {
  it("lets in a token signed by the team's key, for this application, from the team, in time", async () => {
    const response = await internal(await token());
    expect(response.status).toBe(200);
    // What a signed-in person gets: the built page, as the assets serve it.
    const direct = await env.ASSETS.fetch(new Request(`${BASE}/internal/`));
    expect(response.status).toBe(direct.status);
    expect(fetched).toContain(`https://${TEAM}/cdn-cgi/access/certs`);
  });

  it("refuses no token", async () => {
    await refused(null);
  });

  it("refuses another application's audience", async () => {
    await refused(await token({ aud: "another-application" }));
  });

  it("refuses another issuer", async () => {
    await refused(await token({ iss: "https://other-team.example.test" }));
  });

  it("refuses an expired token", async () => {
    await refused(await token({ exp: nowS() - 120 }));
  });

  it("refuses a signature by another key under the team's key id", async () => {
    await refused(await token({ key: stranger }));
  });

  it("refuses HS256, even keyed with the team's public key material", async () => {
    await refused(await token({ alg: "HS256", key: new TextEncoder().encode(JSON.stringify(publicJwk)) }));
    await refused(await token({ alg: "HS256", key: new TextEncoder().encode(publicJwk.n!) }));
  });

  it("refuses an unsigned token (alg none)", async () => {
    const claims = { iss: `https://${TEAM}`, aud: AUD, sub: "user-1", iat: nowS() - 60, exp: nowS() + 3600 };
    await refused(`${b64url({ alg: "none", kid: KID })}.${b64url(claims)}.`);
    await refused(`${b64url({ alg: "none", kid: KID })}.${b64url(claims)}`);
  });

  it("refuses a valid token's payload with its signature cut off or swapped", async () => {
    const [header, payload] = (await token()).split(".");
    const other = (await token({ aud: "another-application" })).split(".")[2];
    await refused(`${header}.${b64url({ iss: `https://${TEAM}`, aud: AUD, sub: "admin", exp: nowS() + 3600 })}.${(await token()).split(".")[2]}`);
    await refused(`${header}.${payload}.${other}`);
  });
});
