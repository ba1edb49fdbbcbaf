import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminApi, startServer, type Server } from "./harness";

/** A webhook receiver on this machine: the first delivery fails, later ones succeed. */
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let receiver: HttpServer;
let receiverUrl: string;
const received: Received[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      received.push({ headers: request.headers, body });
      response.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Standard Webhooks: base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" with the decoded whsec_ key. */
function expectedSignature(secret: string, headers: IncomingHttpHeaders, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64")}`;
}

describe("a webhook to a local receiver", () => {
  it("arrives signed after a person's answer, and is retried after a failure", async () => {
    await adminApi(server, "POST", "/api/v1/surveys", { id: "hooked", name: "Hooked", metric: "csat" });
    const { secret } = await adminApi<{ secret: string }>(server, "POST", "/api/v1/webhooks", {
      url: receiverUrl,
      events: ["response.created", "response.low_score"],
      survey: "hooked",
    });
    const { invitations } = await adminApi<{ invitations: { url: string; links: Record<string, string> }[] }>(
      server,
      "POST",
      "/api/v1/surveys/hooked/invitations",
      { recipients: [{ recipient: "hook-person" }] },
    );
    const person = {
      "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
      "sec-fetch-mode": "navigate",
      "sec-fetch-dest": "document",
    };
    const page = await (await fetch(invitations[0]!.links["1"]!, { headers: person })).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const confirmed = await fetch(invitations[0]!.url, {
      method: "POST",
      headers: { ...person, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "choose", score: "1", nonce }).toString(),
    });
    expect(confirmed.status).toBe(200);

    await until(() => received.length >= 2).catch(async (error: unknown) => {
      const hooks = await adminApi<{ webhooks: { id: string }[] }>(server, "GET", "/api/v1/webhooks");
      const log = await adminApi(server, "GET", `/api/v1/webhooks/${hooks.webhooks[0]!.id}/deliveries`);
      console.log("received", received.length, JSON.stringify(log).slice(0, 1500));
      throw error;
    });
    const types = received.map((r) => (JSON.parse(r.body) as { type: string }).type).sort();
    expect(types).toEqual(["response.created", "response.low_score"]);
    for (const delivery of received) {
      expect(delivery.headers["webhook-signature"]).toBe(expectedSignature(secret, delivery.headers, delivery.body));
      expect(JSON.parse(delivery.body)).toMatchObject({ data: { response: { score: 1, status: "counted" } } });
    }

    // The first attempt got a 500: the next cron tick past its backoff sends it again, same id.
    const failedId = received[0]!.headers["webhook-id"];
    const tick = await fetch(`${server.base}/cdn-cgi/handler/scheduled?time=${Date.now() + 10 * 60_000}`);
    expect(tick.ok).toBe(true);
    await until(() => received.length >= 3);
    expect(received[2]!.headers["webhook-id"]).toBe(failedId);
    expect(received[2]!.headers["webhook-signature"]).toBe(expectedSignature(secret, received[2]!.headers, received[2]!.body));
  });
});
