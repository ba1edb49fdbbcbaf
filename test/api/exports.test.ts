import { env } from "cloudflare:test";
import { parse } from "csv-parse/browser/esm/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { EXPORT_CHUNK, exportColumns } from "../../functions/exports/responses";
import { api, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";

const SURVEY = "export-csat";
const ACCENTS = "Väldigt nöjd – très bien, Zürich, 日本";

async function ingest(surveyId: string, body: Record<string, unknown>) {
  const response = await api("POST", `/api/v1/surveys/${surveyId}/responses`, { body, headers: { "idempotency-key": crypto.randomUUID() } });
  if (response.status !== 201) throw new Error(`ingest: ${response.status} ${await response.text()}`);
}

const exportOf = (query: string, surveyId = SURVEY) => api("GET", `/api/v1/surveys/${surveyId}/responses?${query}`);
const csvRecords = (text: string) => parse(text, { bom: true, columns: true }) as Record<string, string>[];

beforeAll(async () => {
  await createSurvey(SURVEY, { segments: ["plan", "status"], timezone: "Europe/Amsterdam" });
  await ingest(SURVEY, { recipient: "anna@example.se", score: 5, comment: ACCENTS, locale: "sv", properties: { plan: "pro", status: "vip", country: "SE" }, responded_at: "2026-03-01T09:00:00Z" });
  await ingest(SURVEY, { recipient: "bob", score: 2, comment: 'He said "no",\r\nthen left', responded_at: "2026-03-02T22:30:00Z" });
  await ingest(SURVEY, { recipient: "+31612345678", score: 3, comment: "=HYPERLINK(\"http://evil\")", responded_at: "2026-03-03T12:00:00Z" });
  await ingest(SURVEY, { recipient: "dora", score: 1, responded_at: "2026-03-04T12:00:00Z" });
  const dora = await env.DB.prepare("SELECT r.id FROM responses r JOIN invitations i ON i.id = r.invitation_id WHERE i.recipient = 'dora'").first<{ id: string }>();
  await api("PATCH", `/api/v1/responses/${dora!.id}`, { body: { status: "excluded" } });
});

describe("CSV export", () => {
  it("downloads every response as RFC 4180 CSV with a BOM, oldest first", async () => {
    const response = await exportOf("format=csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="export-csat-responses.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes); // keep the BOM to see it
    expect(text.split("\r\n")[0]).toBe(
      "\ufeffid,invitation,recipient,score,comment,status,reason,locale,created_at,updated_at,source,property.touchpoint,property.country,property.channel,property.variant,property.plan,property.status",
    );
    expect(text.endsWith("\r\n")).toBe(true);
    const records = csvRecords(text);
    expect(records.map((r) => r.recipient)).toEqual(["anna@example.se", "bob", "'+31612345678", "dora"]);
  });

  it("round-trips through a CSV parser with non-ASCII comments, quotes and line breaks intact", async () => {
    const records = csvRecords(await (await exportOf("format=csv")).text());
    expect(records[0]).toMatchObject({
      comment: ACCENTS,
      score: "5",
      status: "counted",
      reason: "confirmed",
      locale: "sv",
      created_at: "2026-03-01T09:00:00.000Z",
      "property.plan": "pro",
      "property.status": "vip",
      "property.country": "SE",
    });
    expect(records[1]!.comment).toBe('He said "no",\nthen left');
    expect(records[2]!.comment).toBe("'=HYPERLINK(\"http://evil\")");
    expect(records[3]).toMatchObject({ status: "excluded", reason: "override", comment: "" });
  });

  it("filters by status and by days of the survey's time zone", async () => {
    expect(csvRecords(await (await exportOf("format=csv&status=excluded")).text()).map((r) => r.recipient)).toEqual(["dora"]);
    // 2026-03-02T22:30Z is 23:30 on 2 March in Amsterdam: in the day, and `to` includes its whole day.
    const days = csvRecords(await (await exportOf("format=csv&from=2026-03-02&to=2026-03-03")).text());
    expect(days.map((r) => r.recipient)).toEqual(["bob", "'+31612345678"]);
    const instants = csvRecords(await (await exportOf("format=csv&from=2026-03-01T09:00:00Z&to=2026-03-03T12:00:00Z")).text());
    expect(instants.map((r) => r.recipient)).toEqual(["anna@example.se", "bob"]);
  });

  it("sends only the header when nothing matches", async () => {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(await (await exportOf("format=csv&from=2030-01-01")).arrayBuffer());
    expect(csvRecords(text)).toEqual([]);
    expect(text).toBe(`\ufeff${exportColumns({ segments: ["plan", "status"] }).join(",")}\r\n`);
  });
});

describe("NDJSON export", () => {
  it("has one Response object per line", async () => {
    const response = await exportOf("format=ndjson");
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="export-csat-responses.ndjson"');
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ recipient: "anna@example.se", comment: ACCENTS, properties: { plan: "pro", status: "vip" } });
    expect(lines[2]).toMatchObject({ recipient: "+31612345678", comment: '=HYPERLINK("http://evil")' });
  });
});

describe("export validation", () => {
  it.each([
    ["format=xlsx", "format"],
    ["format=csv&from=yesterday", "from"],
    ["format=csv&to=2026-02-30", "to"],
    ["format=csv&from=2026-03-05T10:00:00", "from"],
    ["format=csv&from=2026-03-05&to=2026-03-01", "to"],
    ["format=csv&status=maybe", "status"],
    ["format=csv&format=ndjson", "format"],
  ])("answers ?%s with 400 naming %s", async (query, field) => {
    const response = await exportOf(query);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
  });

  it("answers 404 for an unknown survey", async () => {
    expect((await exportOf("format=csv", "no-such-survey")).status).toBe(404);
  });

  it("pages through rows whose ids the API did not make (the demo data's)", async () => {
    const survey = "export-demo-ids";
    await createSurvey(survey);
    const ids = ["demo_export-demo-ids_2026-03-01_0", "demo_export-demo-ids_2026-03-01_1", "demo_export-demo-ids_2026-03-02_0"];
    for (const [i, id] of ids.entries()) {
      const at = Date.UTC(2026, 2, 1 + i);
      await env.DB.batch([
        env.DB.prepare("INSERT INTO invitations (id, survey_id, recipient, properties, created_at, expires_at) VALUES (?1, ?2, ?1, '{}', ?3, ?3)").bind(id, survey, at),
        env.DB.prepare(
          `INSERT INTO answers (invitation_id, survey_id, events, version, score, status, reason, created_at, updated_at, event_seq)
           VALUES (?1, ?2, json_array(json_object('kind', 'tap', 'score', 4, 'at', ?3, 'client', 'browser', 'asn', NULL, 'country', NULL, 'signals', json('{}'))),
                   1, 4, 'counted', 'tap', ?3, ?3, 1)`,
        ).bind(id, survey, at),
      ]);
    }
    const first = (await (await exportOf("limit=2", survey)).json()) as { responses: { invitation: string }[]; next_cursor: string };
    const second = await exportOf(`limit=2&cursor=${first.next_cursor}`, survey);
    expect(second.status).toBe(200);
    const rest = (await second.json()) as { responses: { invitation: string }[]; next_cursor: string | null };
    expect([...first.responses, ...rest.responses].map((r) => r.invitation)).toEqual([...ids].reverse());
    expect(rest.next_cursor).toBeNull();
    expect((await api("PATCH", `/api/v1/responses/rsp_${ids[0]}`, { body: { status: "excluded" } })).status).toBe(200);
  });

  it("keeps the JSON page when no format is asked", async () => {
    const body = (await (await exportOf("limit=2")).json()) as { responses: unknown[]; next_cursor: string | null };
    expect(body.responses).toHaveLength(2);
    expect(body.next_cursor).not.toBeNull();
  });
});

describe("a large export", () => {
  it(`streams every row across chunks of ${EXPORT_CHUNK}, in order, none twice`, async () => {
    const survey = "export-large";
    await createSurvey(survey);
    const total = EXPORT_CHUNK * 2 + 37;
    const base = Date.UTC(2026, 0, 1);
    // Written straight to D1 (one statement) so the test is about the export, not about ingestion speed.
    // Pairs of rows share a created_at, so the keyset's tie-break on id is exercised at chunk edges.
    const rows = Array.from({ length: total }, (_, i) => ({ id: `lrg${String(i).padStart(13, "0")}`, at: base + Math.floor(i / 2) * 1000, score: (i % 5) + 1 }));
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO invitations (id, survey_id, recipient, properties, created_at, expires_at)
         SELECT json_extract(value, '$.id'), ?1, 'p-' || json_extract(value, '$.id'), '{}', json_extract(value, '$.at'), json_extract(value, '$.at')
         FROM json_each(?2)`,
      ).bind(survey, JSON.stringify(rows)),
      env.DB.prepare(
        `INSERT INTO answers (invitation_id, survey_id, events, version, score, status, reason, created_at, updated_at, event_seq)
         SELECT json_extract(value, '$.id'), ?1,
                json_array(json_object('kind', 'tap', 'score', json_extract(value, '$.score'), 'at', json_extract(value, '$.at'), 'client', 'browser',
                                       'asn', NULL, 'country', NULL, 'signals', json('{}'))),
                1, json_extract(value, '$.score'), 'counted', 'tap', json_extract(value, '$.at'), json_extract(value, '$.at'), 1
         FROM json_each(?2)`,
      ).bind(survey, JSON.stringify(rows)),
    ]);
    const records = csvRecords(await (await exportOf("format=csv", survey)).text());
    expect(records).toHaveLength(total);
    expect(records.map((r) => r.invitation)).toEqual(rows.map((r) => r.id));
    const ndjson = (await (await exportOf("format=ndjson", survey)).text()).trimEnd().split("\n");
    expect(ndjson).toHaveLength(total);
  });
});
