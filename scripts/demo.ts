/**
 * `npm run demo`: when the local database has no surveys, loads a deterministic demo (same seed, same
 * data, relative to today): four surveys in different metrics, scales, languages and time zones, 130
 * days of invitations and answers with realistic segment mixes, scanner clicks kept as suspected, a
 * few admin overrides, comments (some with markup, to prove escaping), an A/B test with a real
 * difference, and annotations, one followed by a visible dip.
 */
import type { DemoData } from "../functions/storage/demo.ts";
import { mulberry32 } from "./lib/seeded-random.ts";
import { persistToArgument, withLocalDb, workerModule } from "./lib/worker-modules.ts";

const DAY = 86_400_000;
const DAYS = 130;

type Rebuild = (db: unknown, options: { now: number }) => Promise<{ buckets: number; rows: number }>;
interface DemoStorage {
  countSurveys(db: unknown): Promise<number>;
  nextEventSeq(db: unknown): Promise<number>;
  insertDemo(db: unknown, data: DemoData): Promise<void>;
}

/**
 * The Worker's own code the demo is made with: the API's survey parser and storage, and the invitation
 * id format, so demo rows look exactly like real ones (only their random bytes come from the seed).
 */
interface SurveyCode {
  parseNewSurvey(body: unknown): DemoSurvey;
  invitationIdFromBytes(bytes: Uint8Array): string;
  insertSurvey(db: unknown, survey: DemoSurvey, now: number): Promise<boolean>;
}

/** The fields of a parsed survey the generator reads. */
interface DemoSurvey {
  id: string;
  scale: { min: number; max: number };
  satisfied_min: number;
  touchpoint: string | null;
}

/** Seeded, so the demo is the same on every machine. */
function seeded(seed: number) {
  const next = mulberry32(seed);
  const pick = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((sum, [, weight]) => sum + weight, 0);
    let roll = next() * total;
    for (const [item, weight] of items) if ((roll -= weight) < 0) return item;
    return items.at(-1)![0];
  };
  const pickOne = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick, pickOne };
}

interface Plan {
  /** The body of POST /api/v1/surveys. */
  survey: Record<string, unknown> & { id: string };
  perDay: number;
  responseRate: number;
  /** Score weights from the scale's minimum up. */
  weights: number[];
  locales: [string, number][];
  properties: (r: ReturnType<typeof seeded>) => Record<string, string>;
  /** Moves a score given its properties and the day (0 = first demo day). */
  adjust?: (score: number, properties: Record<string, string>, day: number, r: ReturnType<typeof seeded>) => number;
  /** Comments people leave, by whether their score was a good one. */
  comments: { good: string[]; bad: string[] };
}

const DIP_DAY = DAYS - 45;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function plans(today: number): Plan[] {
  const inHalfAYear = isoDay(today + 180 * DAY);
  const channel = (r: ReturnType<typeof seeded>) => r.pick([["email", 70], ["sms", 15], ["in_app", 15]] as const);
  return [
    {
      survey: {
        id: "support-csat", name: "Support satisfaction", metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent",
        locale: "en", timezone: "Europe/London", touchpoint: "support", public: true, segments: ["agent", "team"],
        target: { value: 85, by: inHalfAYear },
      },
      perDay: 70,
      responseRate: 0.35,
      weights: [5, 6, 10, 30, 49],
      locales: [["en", 80], ["de", 10], ["nl", 10]],
      properties: (r) => {
        const team = r.pick([["billing", 30], ["technical", 45], ["accounts", 25]] as const);
        return { channel: channel(r), country: r.pick([["GB", 50], ["IE", 10], ["DE", 15], ["NL", 15], ["US", 10]] as const), team, agent: `${team}-${1 + Math.floor(r.next() * 6)}` };
      },
      adjust: (score, p, _day, r) => (p.team === "technical" && r.next() < 0.15 ? Math.max(1, score - 2) : score),
      comments: {
        good: ["Quick and friendly, thanks!", "Agent knew exactly what to do.", "Great service, solved on the first call."],
        bad: ["Took three emails to get an answer.", "Still waiting for the refund.", "Nobody read my first message properly."],
      },
    },
    {
      survey: {
        id: "webshop-nps", name: "Webshop recommendation", metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 9, headline: "percent",
        locale: "nl", timezone: "Europe/Amsterdam", touchpoint: "purchase", public: true, segments: ["plan"],
      },
      perDay: 75,
      responseRate: 0.3,
      weights: [2, 1, 2, 2, 3, 5, 7, 12, 20, 24, 22],
      locales: [["nl", 85], ["en", 15]],
      properties: (r) => ({
        channel: channel(r),
        country: r.pick([["NL", 75], ["BE", 20], ["DE", 5]] as const),
        plan: r.pick([["free", 55], ["plus", 35], ["business", 10]] as const),
      }),
      // After the new webshop software went live, checkout broke for many: two weeks of lower scores.
      adjust: (score, _p, day, r) => (day >= DIP_DAY && day < DIP_DAY + 14 && r.next() < 0.55 ? Math.max(0, score - 4) : score),
      comments: {
        good: ["Snelle levering, top!", "Prima prijs.", "Fijne webshop, alles duidelijk."],
        bad: ["Afrekenen lukte pas na drie pogingen.", "De nieuwe site is onoverzichtelijk.", "<img src=x onerror=alert(1)> werkt niet"],
      },
    },
    {
      survey: {
        id: "delivery-ces", name: "Delivery effort", metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5, headline: "mean",
        locale: "sv", timezone: "Europe/Stockholm", touchpoint: "delivery", public: false, segments: ["carrier"],
      },
      perDay: 55,
      responseRate: 0.4,
      weights: [4, 5, 8, 14, 22, 26, 21],
      locales: [["sv", 80], ["en", 20]],
      properties: (r) => ({
        channel: channel(r),
        country: r.pick([["SE", 80], ["NO", 10], ["FI", 10]] as const),
        variant: r.next() < 0.5 ? "A" : "B",
        carrier: r.pick([["postnord", 60], ["dhl", 25], ["budbee", 15]] as const),
      }),
      // Variant B (tracking link in the SMS) really makes delivery easier.
      adjust: (score, p, _day, r) => (p.variant === "B" && r.next() < 0.35 ? Math.min(7, score + 1) : score),
      comments: { good: ["Smidigt!", "Bra spårning."], bad: ["Paketet kom till fel utlämningsställe.", "Fick vänta hela dagen."] },
    },
    {
      survey: {
        id: "onboarding-rating", name: "Onboarding call", metric: "rating", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent",
        locale: "de", timezone: "Europe/Berlin", touchpoint: "onboarding", attribute: "Onboarding-Gespräch", public: false, segments: ["plan"],
      },
      perDay: 18,
      responseRate: 0.45,
      weights: [3, 5, 12, 40, 40],
      locales: [["de", 70], ["en", 30]],
      properties: (r) => ({ channel: "email", country: r.pick([["DE", 70], ["AT", 20], ["CH", 10]] as const), plan: r.pick([["plus", 70], ["business", 30]] as const) }),
      comments: { good: ["Sehr hilfreich.", "Alles klar erklärt."], bad: ["Zu lang.", "Ich habe immer noch Fragen."] },
    },
  ];
}

export interface Demo {
  surveys: DemoSurvey[];
  data: DemoData;
}

export function generateDemo(now: number, firstSeq: number, code: Pick<SurveyCode, "parseNewSurvey" | "invitationIdFromBytes">): Demo {
  const r = seeded(20_260_401);
  const today = Math.floor(now / DAY) * DAY;
  const start = today - (DAYS - 1) * DAY;
  const surveys: DemoSurvey[] = [];
  const data: DemoData = { invitations: [], answers: [], annotations: [] };
  let seq = firstSeq;
  let recipient = 0;
  for (const plan of plans(today)) {
    const survey = code.parseNewSurvey(plan.survey);
    surveys.push(survey);
    const scores = plan.weights.map((w, i) => [survey.scale.min + i, w] as const);
    for (let day = 0; day < DAYS; day++) {
      const weekend = [0, 6].includes(new Date(start + day * DAY).getUTCDay());
      const sent = Math.round((plan.perDay / plan.responseRate) * (weekend ? 0.5 : 1) * (0.85 + 0.3 * r.next()));
      for (let i = 0; i < sent; i++) {
        const id = code.invitationIdFromBytes(Uint8Array.from({ length: 10 }, () => Math.floor(r.next() * 256)));
        const properties = { touchpoint: survey.touchpoint ?? "", ...plan.properties(r) };
        // Sent in office hours; nothing from the future when the demo is loaded in the morning.
        const invitedAt = Math.min(now - 60 * 60_000, start + day * DAY + Math.floor((7 + r.next() * 10) * 3_600_000));
        const locale = r.pick(plan.locales);
        data.invitations.push({ id, survey_id: survey.id, recipient: `cust-${++recipient}`, locale, properties: JSON.stringify(properties), created_at: invitedAt });
        if (r.next() >= plan.responseRate) continue;
        // Most people answer within hours; evenings and the next morning too.
        const at = Math.min(now - 10 * 60_000, invitedAt + 5 * 60_000 + Math.floor(r.next() ** 2 * 16 * 3_600_000));
        let score = r.pick(scores);
        if (plan.adjust) score = plan.adjust(score, properties, day, r);
        const roll = r.next();
        const scanner = roll < 0.05;
        const overridden = !scanner && roll < 0.055;
        data.answers.push({
          invitation_id: id,
          survey_id: survey.id,
          seq: seq++,
          score,
          at,
          client: scanner ? "headless" : "browser",
          signals: JSON.stringify(scanner ? { prefetch: false } : { fetch_mode: "navigate", fetch_site: "none", accept_language: true }),
          status: scanner ? "suspected" : overridden ? "excluded" : "counted",
          reason: scanner ? "headless_client" : overridden ? "override" : "tap",
          override: overridden ? "excluded" : null,
          comment: !scanner && r.next() < 0.12 ? r.pickOne(score >= survey.satisfied_min ? plan.comments.good : plan.comments.bad) : null,
        });
      }
    }
  }
  const annotate = (survey_id: string, day: number, label: string) =>
    data.annotations.push({ id: `ann_${Array.from({ length: 20 }, () => Math.floor(r.next() * 16).toString(16)).join("")}`, survey_id, at: start + day * DAY + 9 * 3_600_000, label });
  annotate("webshop-nps", DIP_DAY, "New webshop software released");
  annotate("webshop-nps", DIP_DAY + 14, "Checkout fix deployed");
  annotate("support-csat", 40, "Support team reorganised into billing, technical and accounts");
  annotate("delivery-ces", 60, "A/B test: tracking link in the delivery SMS (variant B)");
  return { surveys, data };
}

/** The demo's surveys were made a week before its first day. */
export const surveysCreatedAt = (now: number) => Math.floor(now / DAY) * DAY - (DAYS - 1 + 7) * DAY;

export async function loadDemo(persistTo?: string): Promise<string> {
  const storage = await workerModule<DemoStorage>("functions/storage/demo.ts");
  const { parseNewSurvey } = await workerModule<Pick<SurveyCode, "parseNewSurvey">>("functions/surveys/survey-input.ts");
  const { invitationIdFromBytes } = await workerModule<Pick<SurveyCode, "invitationIdFromBytes">>("functions/links/invitation-id.ts");
  const { insertSurvey } = await workerModule<Pick<SurveyCode, "insertSurvey">>("functions/storage/surveys.ts");
  const { rebuildRollups } = await workerModule<{ rebuildRollups: Rebuild }>("functions/rollups/job.ts");
  return withLocalDb(persistTo, async (db) => {
    if ((await storage.countSurveys(db)) > 0) return "The local database already has surveys; the demo was not loaded.";
    const now = Date.now();
    const { surveys, data } = generateDemo(now, await storage.nextEventSeq(db), { parseNewSurvey, invitationIdFromBytes });
    for (const survey of surveys) await insertSurvey(db, survey, surveysCreatedAt(now));
    await storage.insertDemo(db, data);
    // A rebuild computes each demo day once; the incremental rollup would revisit days chunk by chunk.
    const rollup = await rebuildRollups(db, { now });
    return (
      `Loaded the demo: ${surveys.length} surveys, ${data.invitations.length} invitations, ${data.answers.length} responses, ` +
      `${data.annotations.length} annotations; rolled up into ${rollup.rows} rows over ${rollup.buckets} survey-days.`
    );
  });
}

if (import.meta.main) console.log(await loadDemo(persistToArgument()));
