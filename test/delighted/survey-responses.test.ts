import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { delighted, delightedKey } from "../helpers/delighted";
import { invite, responseOf, visit } from "../helpers/respondent";

/**
 * /v1/survey_responses: the key's survey's counted responses, made here by real taps (as a person and as a
 * scanner) and by POST, listed, paged, filtered, expanded, created and updated the way Delighted's clients do.
 */

interface ShownResponse {
  id: string;
  person: string | { id: string; email: string | null; name: string | null };
  survey_type: string;
  score: number;
  comment: string | null;
  permalink: string;
  created_at: number;
  updated_at: number;
  person_properties: Record<string, string>;
  notes: unknown[];
  tags: string[];
  additional_answers: unknown[];
}

interface Unprocessable {
  status: number;
  message: string;
  errors: Record<string, string[]>;
}

/** 2025-11-24T16:00:00Z, in Unix seconds: the answers dated by created_at start here. */
const T0 = 1_764_000_000;

async function newSurvey(id: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await api("POST", "/api/v1/surveys", { body: { id, name: `Survey ${id}`, metric: "nps", segments: ["plan"], ...extra } });
  expect(created.status).toBe(201);
  return delightedKey(id);
}

/** A person with an address, known to Tapscore through an invitation; answers the invitation. */
async function invited(survey: string, recipient: string, properties: Record<string, string> = {}) {
  const { invitations } = await invite(survey, [{ recipient, email: `${recipient}@example.com`, properties }]);
  return invitations[0]!;
}

/** A person's tap, confirmed counted in D1. */
async function tapped(survey: string, recipient: string, score: number, properties: Record<string, string> = {}): Promise<string> {
  const invitation = await invited(survey, recipient, properties);
  expect((await visit(invitation.links[String(score)]!)).status).toBe(200);
  const stored = await responseOf(invitation.id);
  expect(stored).toMatchObject({ score, status: "counted" });
  return stored!.id;
}

async function created(key: string, body: Record<string, unknown>): Promise<ShownResponse> {
  const response = await delighted(key, "POST", "/v1/survey_responses", { json: body });
  expect(response.status).toBe(201);
  return (await response.json()) as ShownResponse;
}

async function list(key: string, query: string): Promise<ShownResponse[]> {
  const response = await delighted(key, "GET", `/v1/survey_responses${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as ShownResponse[];
}

const ids = (responses: readonly ShownResponse[]) => responses.map((response) => response.id);

describe("GET /v1/survey_responses", () => {
  const SURVEY = "dsr-list";
  let key: string;
  let counted: string[];
  let suspected: string;
  let excluded: string;

  beforeAll(async () => {
    key = await newSurvey(SURVEY);
    counted = [await tapped(SURVEY, "ann", 10, { plan: "pro" }), await tapped(SURVEY, "bob", 6), await tapped(SURVEY, "cy", 8)];
    // A link checker's fetch: kept as suspected, never a person's answer.
    const scanned = await invited(SURVEY, "scanned");
    await visit(scanned.links["9"]!, {}, { "user-agent": "curl/8.4.0" });
    suspected = (await responseOf(scanned.id))!.id;
    expect((await responseOf(scanned.id))!.status).toBe("suspected");
    excluded = await tapped(SURVEY, "dropped", 3);
    expect((await api("PATCH", `/api/v1/responses/${excluded}`, { body: { status: "excluded" } })).status).toBe(200);
  });

  it("lists only counted responses, oldest first, in Delighted's shape", async () => {
    const shown = await list(key, "");
    expect(ids(shown)).toEqual(counted);
    expect(ids(shown)).not.toContain(suspected);
    expect(ids(shown)).not.toContain(excluded);
    const [ann] = shown;
    expect(ann).toMatchObject({
      id: counted[0],
      person: "ann",
      survey_type: "nps",
      score: 10,
      comment: null,
      permalink: `http://tapscore.test/api/v1/responses/${counted[0]}`,
      person_properties: { plan: "pro" },
      notes: [],
      tags: [],
      additional_answers: [],
    });
    expect(Number.isInteger(ann!.created_at)).toBe(true);
    expect(Math.abs(ann!.created_at * 1000 - Date.now())).toBeLessThan(60_000);
    // Stored to the millisecond, shown in whole seconds: until takes in the whole second it names.
    expect(ids(await list(key, `?until=${ann!.created_at}`))).toContain(counted[0]);
    expect(ids(await list(key, `?since=${ann!.created_at + 1}`))).not.toContain(counted[0]);
  });

  it("pages with page and per_page, and orders desc", async () => {
    expect(ids(await list(key, "?per_page=2"))).toEqual(counted.slice(0, 2));
    expect(ids(await list(key, "?per_page=2&page=2"))).toEqual(counted.slice(2));
    expect(await list(key, "?per_page=2&page=3")).toEqual([]);
    expect(ids(await list(key, "?order=desc"))).toEqual([...counted].reverse());
    expect(ids(await list(key, "?order=desc&per_page=1&page=2"))).toEqual([counted[1]]);
  });

  it("expands people with expand=person (Node) and expand[]=person (Ruby, Python)", async () => {
    for (const query of ["?expand=person", "?expand%5B%5D=person", "?expand[]=person&expand[]=notes"]) {
      const [first] = await list(key, `${query}&per_page=1`);
      expect(first!.person).toMatchObject({ id: "ann", email: "ann@example.com", name: null, phone_number: null });
    }
    expect((await list(key, "?per_page=1"))[0]!.person).toBe("ann");
  });

  it("filters by person_email (any case) and person_id, and ignores unknown parameters", async () => {
    expect(ids(await list(key, "?person_email=BOB%40Example.com"))).toEqual([counted[1]]);
    expect(ids(await list(key, "?person_id=cy"))).toEqual([counted[2]]);
    expect(await list(key, "?person_email=nobody%40example.com")).toEqual([]);
    expect(ids(await list(key, "?trend=123&utm=x"))).toEqual(counted);
  });

  it("answers 422 in Delighted's shape for a bad order or per_page", async () => {
    for (const [query, field] of [
      ["?order=sideways", "order"],
      ["?per_page=101", "per_page"],
      ["?page=0", "page"],
    ] as const) {
      const response = await delighted(key, "GET", `/v1/survey_responses${query}`);
      expect(response.status).toBe(422);
      const body = (await response.json()) as Unprocessable;
      expect(body.status).toBe(422);
      expect(body.message).toBe("Unprocessable Entity");
      expect(Object.keys(body.errors)).toEqual([field]);
    }
  });
});

describe("since, until, updated_since, updated_until and order by updated_at", () => {
  const SURVEY = "dsr-times";
  let key: string;
  let at: ShownResponse[];

  beforeAll(async () => {
    key = await newSurvey(SURVEY);
    await invited(SURVEY, "dora");
    at = [];
    for (const offset of [0, 10, 20]) at.push(await created(key, { person: "dora", score: 9, created_at: T0 + offset }));
  });

  it("bounds created_at, until included to the second", async () => {
    expect(at.map((response) => response.created_at)).toEqual([T0, T0 + 10, T0 + 20]);
    expect(ids(await list(key, `?since=${T0 + 10}&until=${T0 + 20}`))).toEqual(ids(at.slice(1)));
    expect(ids(await list(key, `?since=${T0 + 1}&until=${T0 + 19}`))).toEqual([at[1]!.id]);
    expect(ids(await list(key, `?until=${T0}`))).toEqual([at[0]!.id]);
    expect(await list(key, `?since=${T0 + 21}`)).toEqual([]);
  });

  it("bounds and orders by updated_at", async () => {
    const before = Math.floor(Date.now() / 1000);
    // Changing the oldest makes it the most recently updated.
    const put = await delighted(key, "PUT", `/v1/survey_responses/${at[0]!.id}`, { json: { comment: "Later thoughts" } });
    expect(put.status).toBe(200);
    const changed = (await put.json()) as ShownResponse;
    expect(changed.updated_at).toBeGreaterThanOrEqual(before);
    expect(ids(await list(key, "?order=desc:updated_at"))[0]).toBe(at[0]!.id);
    expect(ids(await list(key, "?order=asc:updated_at")).at(-1)).toBe(at[0]!.id);
    expect(ids(await list(key, `?updated_since=${changed.updated_at}`))).toContain(at[0]!.id);
    expect(await list(key, `?updated_since=${changed.updated_at + 3600}`)).toEqual([]);
    expect(ids(await list(key, `?updated_until=${changed.updated_at + 3600}`))).toEqual(ids(at));
    expect(await list(key, `?updated_until=${T0}`)).toEqual([]);
  });
});

describe("GET /v1/survey_responses/{id}", () => {
  const SURVEY = "dsr-one";
  let key: string;
  let mine: string;
  let theirs: string;
  let scannedId: string;

  beforeAll(async () => {
    key = await newSurvey(SURVEY);
    await newSurvey("dsr-other");
    mine = await tapped(SURVEY, "eve", 7);
    theirs = await tapped("dsr-other", "fay", 9);
    const scanned = await invited(SURVEY, "bot-scanned");
    await visit(scanned.links["2"]!, {}, { "user-agent": "Barracuda Sentinel (EE)" });
    scannedId = (await responseOf(scanned.id))!.id;
  });

  it("answers the response, with the person when asked (the Node client sends expand=person)", async () => {
    const plain = await delighted(key, "GET", `/v1/survey_responses/${mine}`);
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ id: mine, person: "eve", score: 7 });
    const expanded = (await (await delighted(key, "GET", `/v1/survey_responses/${mine}?expand=person`)).json()) as ShownResponse;
    expect(expanded.person).toMatchObject({ id: "eve", email: "eve@example.com" });
    expect((await delighted(key, "GET", `/v1/survey_responses/${mine}.json`)).status).toBe(200);
  });

  it("is 404 for another survey's response, a scanner's and one that does not exist", async () => {
    expect((await responseOf(scannedId.slice(4)))!.status).not.toBe("counted");
    for (const id of [theirs, scannedId, "rsp_nothing"]) {
      const response = await delighted(key, "GET", `/v1/survey_responses/${id}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ status: 404, message: "Not Found" });
    }
  });
});

describe("POST /v1/survey_responses", () => {
  const SURVEY = "dsr-create";
  let key: string;

  beforeAll(async () => {
    key = await newSurvey(SURVEY, { touchpoint: "checkout" });
    await invited(SURVEY, "gus");
  });

  it("records a counted answer for a known person through Tapscore's ingestion", async () => {
    const shown = await created(key, { person: "gus", score: 9, comment: "  Quick delivery ", person_properties: { plan: "team", "Customer ID": "123" } });
    expect(shown).toMatchObject({
      person: "gus",
      survey_type: "nps",
      score: 9,
      comment: "Quick delivery",
      // The survey's segment keys are kept, with its touchpoint; other keys are not segments and are dropped.
      person_properties: { touchpoint: "checkout", plan: "team" },
      permalink: `http://tapscore.test/api/v1/responses/${shown.id}`,
    });
    const stored = await env.DB.prepare("SELECT r.status, r.reason, e.kind, e.client FROM responses r JOIN events e ON e.invitation_id = r.invitation_id WHERE r.id = ?1")
      .bind(shown.id)
      .first<{ status: string; reason: string; kind: string; client: string }>();
    expect(stored).toEqual({ status: "counted", reason: "confirmed", kind: "ingest", client: "admin" });
    expect(ids(await list(key, "?person_id=gus"))).toContain(shown.id);
  });

  it("takes PHP's form body, every value text", async () => {
    const response = await delighted(key, "POST", "/v1/survey_responses", { form: "person=gus&score=4&person_properties%5Bplan%5D=free" });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ person: "gus", score: 4, person_properties: { plan: "free" } });
  });

  it("refuses an unknown person, a score off the scale and a missing one with 422 naming the field", async () => {
    const cases: [Record<string, unknown>, string, string | null][] = [
      [{ person: "stranger", score: 9 }, "person", "is invalid"],
      [{ person: "gus", score: 11 }, "score", "must be on this survey's scale, 0 to 10"],
      [{ person: "gus", score: "high" }, "score", null],
      [{ person: "gus" }, "score", null],
      [{ score: 9 }, "person", null],
      [{ person: "gus", score: 9, created_at: T0 - 30 * 365 * 86_400 }, "created_at", "must lie between 2000-01-01 and now"],
    ];
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE survey_id = ?1").bind(SURVEY).first<{ n: number }>();
    for (const [body, field, message] of cases) {
      const response = await delighted(key, "POST", "/v1/survey_responses", { json: body });
      expect(response.status).toBe(422);
      const refused = (await response.json()) as Unprocessable;
      expect(refused).toMatchObject({ status: 422, message: "Unprocessable Entity" });
      expect(Object.keys(refused.errors)).toEqual([field]);
      if (message) expect(refused.errors[field]).toEqual([message]);
    }
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM responses WHERE survey_id = ?1").bind(SURVEY).first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});

describe("PUT /v1/survey_responses", () => {
  const SURVEY = "dsr-update";
  let key: string;

  beforeAll(async () => {
    key = await newSurvey(SURVEY);
    await newSurvey("dsr-update-other");
  });

  it("changes a tapped answer's score and comment: the new score is the one counted", async () => {
    const id = await tapped(SURVEY, "hal", 3);
    const response = await delighted(key, "PUT", `/v1/survey_responses/${id}`, { json: { score: 8, comment: "Sorted out on the phone", notes: ["x"], tags: ["vip"] } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id, score: 8, comment: "Sorted out on the phone", notes: [], tags: [] });
    const stored = await env.DB.prepare("SELECT score, status, comment FROM responses WHERE id = ?1").bind(id).first();
    expect(stored).toEqual({ score: 8, status: "counted", comment: "Sorted out on the phone" });
    const kinds = await env.DB.prepare("SELECT kind, score FROM events WHERE invitation_id = ?1 ORDER BY seq").bind(id.slice(4)).all<{ kind: string; score: number }>();
    expect(kinds.results).toEqual([
      { kind: "tap", score: 3 },
      { kind: "ingest", score: 8 },
    ]);
  });

  it("merges person_properties into the answer's segments, and takes the Node client's save() body at /v1/survey_responses", async () => {
    const first = await created(key, { person: (await invited(SURVEY, "ida")).recipient, score: 10, person_properties: { plan: "free" } });
    // save() PUTs the whole object it read, with the id in the body.
    const response = await delighted(key, "PUT", "/v1/survey_responses", {
      json: { ...first, person: { id: "ida", email: "ida@example.com" }, person_properties: { plan: "pro", channel: "web", "Not a segment": "x" } },
    });
    expect(response.status).toBe(200);
    const saved = (await response.json()) as ShownResponse;
    expect(saved).toMatchObject({ id: first.id, score: 10, comment: null, person_properties: { plan: "pro", channel: "web" } });
    const invitation = await env.DB.prepare("SELECT properties FROM invitations WHERE id = ?1").bind(first.id.slice(4)).first<{ properties: string }>();
    expect(JSON.parse(invitation!.properties)).toEqual({ plan: "pro", channel: "web" });
    // Nothing but the segments changed: no new answer was recorded.
    const events = await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE invitation_id = ?1").bind(first.id.slice(4)).first<{ n: number }>();
    expect(events!.n).toBe(1);
  });

  it("is 404 for another survey's response, 422 without an id or with a score off the scale", async () => {
    const theirs = await tapped("dsr-update-other", "jo", 9);
    expect((await delighted(key, "PUT", `/v1/survey_responses/${theirs}`, { json: { score: 1 } })).status).toBe(404);
    expect((await responseOf(theirs.slice(4)))!.score).toBe(9);
    const noId = await delighted(key, "PUT", "/v1/survey_responses", { json: { score: 1 } });
    expect(noId.status).toBe(422);
    expect(((await noId.json()) as Unprocessable).errors).toEqual({ id: ["can't be blank"] });
    const mine = await tapped(SURVEY, "kim", 5);
    const off = await delighted(key, "PUT", `/v1/survey_responses/${mine}`, { json: { score: 12 } });
    expect(off.status).toBe(422);
    expect(((await off.json()) as Unprocessable).errors).toEqual({ score: ["must be on this survey's scale, 0 to 10"] });
  });
});
