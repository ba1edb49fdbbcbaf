/**
 * `npm start` as a newcomer runs it: the real start script in a scratch copy of the project (its own
 * .wrangler state, .dev.vars and site/dist, so neither the developer's data nor other suites are
 * touched), on its own port. Nobody calls the scheduled endpoint here: the start script's own cron
 * loop must deliver a failed webhook again and rebuild the report pages, then Ctrl+C must stop it all.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./harness";

const PROJECT = process.cwd();
const BIN = join(PROJECT, "node_modules", ".bin");
// What a fresh clone has, without what running it leaves behind.
const LEFT_OUT = new Set([".git", "node_modules", ".wrangler", ".dev.vars", ".env", ".astro", "bench/tmp", "site/dist", "site/node_modules", "site/.astro"]);
const BANNER_END = "Press Ctrl+C to stop.";

let scratch: string;
let base: string;
let start: ChildProcess;
let output = "";
let exited: Promise<number | null>;
let receiver: HttpServer;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; at: number }[] = [];

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; start printed:\n${output.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Live processes (zombies aside) working in the scratch copy: the start script, wrangler, workerd, astro. */
function processesIn(dir: string): string[] {
  if (!existsSync("/proc/self/cwd")) return [];
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").slice(0, 120)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

beforeAll(async () => {
  receiver = createHttpServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received.push({ headers: request.headers, at: Date.now() });
      response.writeHead(received.length === 1 ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hook`;

  scratch = mkdtempSync(join(tmpdir(), "tapscore-start-test-"));
  cpSync(PROJECT, scratch, { recursive: true, filter: (source) => !LEFT_OUT.has(relative(PROJECT, source)) });
  symlinkSync(join(PROJECT, "node_modules"), join(scratch, "node_modules"));

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  start = spawn(process.execPath, ["scripts/start.ts", "--no-demo"], {
    cwd: scratch,
    env: { ...process.env, PORT: String(port), PATH: `${BIN}:${process.env.PATH}`, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  start.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  start.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  exited = new Promise((resolve) => start.on("exit", (code) => resolve(code)));
  await until(() => output.includes(BANNER_END) || start.exitCode !== null, 120_000, "the start banner");
  expect(start.exitCode, output).toBeNull();
}, 130_000);

afterAll(async () => {
  if (start && start.exitCode === null) start.kill("SIGKILL");
  // Whatever a failed run left behind in the scratch copy must not outlive the suite.
  for (const line of scratch ? processesIn(scratch) : []) {
    try {
      process.kill(Number(line.split(" ")[0]), "SIGKILL");
    } catch {
      // already gone
    }
  }
  await new Promise((resolve) => receiver?.close(resolve));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const PERSON = {
  "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
  "sec-fetch-mode": "navigate",
  "sec-fetch-dest": "document",
};
let sendId = "";

const adminToken = () => /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(join(scratch, ".dev.vars"), "utf8"))?.[1] ?? "";

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken()}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** An internal page's HTML, signed in with the admin token as a person would on the sign-in page. */
async function signedIn(path: string): Promise<string> {
  const signIn = await fetch(`${base}/internal/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base, "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ token: adminToken(), next: path }).toString(),
  });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  expect(cookie).not.toBe("");
  const page = await fetch(`${base}${path}`, { headers: { cookie } });
  expect(page.status).toBe(200);
  return page.text();
}

describe("npm start", () => {
  it("prints its banner last", async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    const banner = output.slice(output.lastIndexOf("Tapscore is running"));
    expect(banner).toContain(`${base}/api/v1/openapi.json`);
    expect(banner).toContain(`${base}/internal/sign-in`);
    expect(banner).toContain(`${base}/internal/sends`);
    expect(banner).toContain("ADMIN_TOKEN in .dev.vars");
    expect(banner).toContain("every minute");
    const adminToken = /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(join(scratch, ".dev.vars"), "utf8"))?.[1] ?? "";
    expect(adminToken).not.toBe("");
    expect(output).not.toContain(adminToken);
    // Nothing of wrangler's start-up comes after it.
    expect(output.slice(output.lastIndexOf(BANNER_END) + BANNER_END.length).replace(/[─\s]|\x1b\[[0-9;]*m/g, "")).toBe("");
  });

  it("retries a failed webhook, sends a survey email and rebuilds the report pages on its own cron ticks", async () => {
    await api("POST", "/api/v1/surveys", { id: "started", name: "Started by npm start", metric: "csat", public: true, min_public_n: 1 });
    // Scheduled first, so the same ticks that retry the webhook below send it: nobody calls the scheduled endpoint.
    const mailed = await api<{ invitations: { id: string; send: { id: string; status: string } }[] }>("POST", "/api/v1/surveys/started/invitations", {
      recipients: [{ recipient: "mail-person", email: "mail.person@example.com", name: "Anna" }],
      send: true,
    });
    sendId = mailed.invitations[0]!.send.id;
    expect(mailed.invitations[0]!.send.status).toBe("scheduled");
    await api("POST", "/api/v1/surveys", { id: "half-yearly", name: "Every six months", metric: "nps", recurrence: { every_days: 182 } });
    await api("POST", "/api/v1/surveys/half-yearly/members", { members: [{ recipient: "member-person", email: "member@example.com" }] });
    await api("POST", "/api/v1/webhooks", { url: receiverUrl, events: ["response.created"], survey: "started" });
    const { invitations } = await api<{ invitations: { url: string; links: Record<string, string> }[] }>(
      "POST",
      "/api/v1/surveys/started/invitations",
      { recipients: [{ recipient: "start-person" }] },
    );
    const page = await (await fetch(invitations[0]!.links["5"]!, { headers: PERSON })).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const confirmed = await fetch(invitations[0]!.url, {
      method: "POST",
      headers: { ...PERSON, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "choose", score: "5", nonce }).toString(),
    });
    expect(confirmed.status).toBe(200);

    // A confirmed answer is sent at once (and gets a 500); the retry is due 30 s later and goes out on
    // the first tick after that: within 90 s, ticks being a minute apart.
    await until(() => received.length >= 1, 10_000, "the first delivery");
    await until(() => received.length >= 2, 100_000, "the retry");
    expect(received[1]!.headers["webhook-id"]).toBe(received[0]!.headers["webhook-id"]);
    expect(received[1]!.at - received[0]!.at).toBeLessThan(95_000);

    // The same ticks noticed the new survey and answer: the public page exists now, served by the
    // wrangler dev that was running all along.
    await until(async () => (await fetch(`${base}/s/started/`)).status === 200, 30_000, "the rebuilt survey page");
    expect(await (await fetch(`${base}/s/started/`)).text()).toContain("Started by npm start");

    // The email left on one of those ticks, through the binding wrangler dev simulates and logs.
    await until(async () => (await api<{ status: string }>("GET", `/api/v1/sends/${sendId}`)).status === "sent", 70_000, "the email to be sent");
    // The recurring member's message may leave in the same tick, and be logged first.
    const logged = output
      .replace(/\x1b\[[0-9;]*m/g, "")
      .split("send_email binding called")
      .slice(1)
      .map((message) => message.split("\n").slice(1, 4));
    expect(logged).toContainEqual(['From: "Tapscore" <surveys@tapscore.localhost>', "To: mail.person@example.com", "Subject: A quick question from Tapscore"]);
    expect(output).not.toMatch(/Cron tick failed|Checking the reports after the tick failed|Building the report site:/);
  }, 210_000);

  it("shows the sent email, counts a tap on its link, and honours a one-click unsubscribe", async () => {
    const sent = await api<{ message: { subject: string; html: string; headers: Record<string, string> } }>("GET", `/api/v1/sends/${sendId}`);
    const preview = await signedIn(`/internal/sends/${sendId}`);
    expect(preview).toContain(sent.message.subject.replaceAll("&", "&amp;"));
    expect(preview).toContain("mail.person@example.com");

    // The person taps 4 in the email and confirms on the page, as a browser would.
    const link = new RegExp(`href="(${base}/r/[^"/]+/4)"`).exec(sent.message.html)?.[1] ?? "";
    expect(link).not.toBe("");
    const page = await (await fetch(link, { headers: PERSON })).text();
    const nonce = /name="nonce" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const confirmed = await fetch(link.replace(/\/4$/, ""), {
      method: "POST",
      headers: { ...PERSON, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ action: "choose", score: "4", nonce }).toString(),
    });
    expect(confirmed.status).toBe(200);
    const { responses } = await api<{ responses: { recipient: string; score: number; status: string }[] }>("GET", "/api/v1/surveys/started/responses?status=counted");
    expect(responses.filter((r) => r.recipient === "mail-person").map((r) => [r.score, r.status])).toEqual([[4, "counted"]]);

    // RFC 8058: the mail provider POSTs the List-Unsubscribe URL; afterwards nothing more goes to the address.
    const unsubscribeUrl = /^<(.+)>$/.exec(sent.message.headers["List-Unsubscribe"] ?? "")?.[1] ?? "";
    const unsubscribed = await fetch(unsubscribeUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(unsubscribed.status).toBe(200);
    const again = await api<{ invitations: unknown[]; skipped: { recipient: string; reason: string }[] }>("POST", "/api/v1/surveys/started/invitations", {
      recipients: [{ recipient: "mail-person-again", email: "Mail.Person@example.com" }],
      send: true,
      throttle_days: 1,
    });
    expect(again).toMatchObject({ invitations: [], skipped: [{ recipient: "mail-person-again", reason: "unsubscribed" }] });
    const suppressed = await api<{ sends: { recipient: string; status: string }[] }>("GET", "/api/v1/sends?survey=started&status=suppressed");
    expect(suppressed.sends.map((s) => [s.recipient, s.status])).toEqual([["mail-person-again", "suppressed"]]);
  }, 30_000);

  it("asks a member of a survey recurring every 182 days again 182 days after the first message", async () => {
    await until(
      async () => (await api<{ sends: { status: string }[] }>("GET", "/api/v1/sends?survey=half-yearly")).sends.some((s) => s.status === "sent"),
      130_000,
      "the member's first message",
    );
    // Re-anchored in the same tick that sent it: once sent, the next message is 182 days after this one left.
    const [first] = (await api<{ sends: { sent_at: string }[] }>("GET", "/api/v1/sends?survey=half-yearly&status=sent")).sends;
    await until(
      async () => (await api<{ next_send_at: string }>("GET", "/api/v1/people/member-person")).next_send_at === new Date(Date.parse(first!.sent_at) + 182 * 86_400_000).toISOString(),
      5_000,
      "next_send_at 182 days after the first message",
    );
  }, 140_000);

  it("stops everything on Ctrl+C and exits 0", async () => {
    const stoppedAt = Date.now();
    start.kill("SIGINT");
    const code = await Promise.race([exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 20_000))]);
    expect(code).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(20_000);
    expect(processesIn(scratch)).toEqual([]);
  }, 30_000);
});
