/**
 * From another tool's CSV export to Tapscore ingestion requests: which column is what (presets for
 * common exports, overridable with --map), and per row either a request or the reason it is refused.
 * Pure; it imports only the Worker's import-free modules, so both the Node import script and the
 * Worker test suite load it, and the locales and the comment limit are the Worker's own.
 */
import { COMMENT_MAX_LENGTH } from "../../functions/counting/comment.ts";
import { LOCALES } from "../../functions/i18n/locales.ts";

export type Field = "id" | "score" | "comment" | "recipient" | "email" | "responded_at" | "locale";
export const FIELDS: readonly Field[] = ["id", "score", "comment", "recipient", "email", "responded_at", "locale"];

/** Header names per field, tried in order, compared case- and space-insensitively. */
export type Preset = Record<Field, readonly string[]>;

export const PRESETS = {
  /** Delighted's response export (CX projects): one row per response, properties as extra columns. */
  delighted: {
    id: ["Response ID"],
    score: ["Score"],
    comment: ["Comment"],
    recipient: ["Person ID", "Customer ID"],
    email: ["Email", "Person Email"],
    responded_at: ["Response Timestamp", "Created At", "Updated At"],
    locale: ["Locale", "Language"],
  },
  /** Any export with plain column names. */
  generic: {
    id: ["id", "response_id", "Response ID", "uuid"],
    score: ["score", "rating", "value", "nps", "csat", "ces"],
    comment: ["comment", "comments", "feedback", "text", "reason"],
    recipient: ["recipient", "person_id", "person", "customer_id", "user_id", "customer", "user"],
    email: ["email", "email_address", "e-mail"],
    responded_at: ["responded_at", "created_at", "timestamp", "date", "submitted_at", "time"],
    locale: ["locale", "language", "lang"],
  },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;
export const isPresetName = (name: string): name is PresetName => Object.hasOwn(PRESETS, name);

/** The parts of the survey that decide what a row may hold. */
export interface SurveyShape {
  scale: { min: number; max: number };
  /** Property keys the survey keeps (built-in dimensions and its segments). */
  propertyKeys: readonly string[];
}

export interface Columns {
  fields: Partial<Record<Field, number>>;
  /** Property key → column index. */
  properties: Record<string, number>;
  /** Headers that were left out, to tell the user. */
  ignored: string[];
}


const normalize = (header: string) => header.trim().toLowerCase().replace(/[\s_-]+/g, " ");
/** "Customer Plan" → "customer_plan": how a header names a property key when it is not mapped. */
export const snakeCase = (header: string) =>
  header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

/**
 * Parses --map: "score=Rating,comment=Comment,property.plan=Plan". A header containing a comma cannot
 * be named here; such files are rare, and their columns can still be picked up by a preset.
 */
export function parseMap(option: string): { fields: Partial<Record<Field, string>>; properties: Record<string, string> } {
  const fields: Partial<Record<Field, string>> = {};
  const properties: Record<string, string> = {};
  for (const part of option.split(",").filter((p) => p.trim() !== "")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, eq).trim();
    const header = part.slice(eq + 1).trim();
    if (eq < 1 || header === "") throw new Error(`--map: "${part}" is not name=Column.`);
    if (name.startsWith("property.")) {
      const key = name.slice("property.".length);
      if (!/^[a-z][a-z0-9_]{0,39}$/.test(key)) throw new Error(`--map: "${key}" is not a snake_case property key.`);
      properties[key] = header;
    } else if ((FIELDS as readonly string[]).includes(name)) fields[name as Field] = header;
    else throw new Error(`--map: "${name}" is not one of ${FIELDS.join(", ")} or property.<key>.`);
  }
  return { fields, properties };
}

/** Guesses the preset from the header: Delighted's export is recognised by its column names. */
export function detectPreset(header: readonly string[]): PresetName {
  const names = new Set(header.map(normalize));
  return names.has(normalize("Response ID")) && names.has(normalize("Score")) ? "delighted" : "generic";
}

/** Decides which column holds what; throws when a column the user named is absent or no score column is found. */
export function resolveColumns(
  header: readonly string[],
  preset: Preset,
  map: ReturnType<typeof parseMap>,
  survey: Pick<SurveyShape, "propertyKeys">,
): Columns {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(normalize(h))) index.set(normalize(h), i);
  });
  const find = (name: string) => index.get(normalize(name));
  const fields: Partial<Record<Field, number>> = {};
  for (const field of FIELDS) {
    const named = map.fields[field];
    if (named !== undefined) {
      const at = find(named);
      if (at === undefined) throw new Error(`--map: no column "${named}" for ${field}.`);
      fields[field] = at;
      continue;
    }
    const at = preset[field].map(find).find((i) => i !== undefined);
    if (at !== undefined) fields[field] = at;
  }
  if (fields.score === undefined) throw new Error(`No score column (tried ${preset.score.join(", ")}); name it with --map score=<column>.`);
  const used = new Set(Object.values(fields));
  const properties: Record<string, number> = {};
  for (const [key, named] of Object.entries(map.properties)) {
    const at = find(named);
    if (at === undefined) throw new Error(`--map: no column "${named}" for property.${key}.`);
    if (!survey.propertyKeys.includes(key)) throw new Error(`--map: property.${key} is not a property this survey keeps (${survey.propertyKeys.join(", ")}).`);
    properties[key] = at;
    used.add(at);
  }
  // Other columns become properties when their name is one the survey keeps ("Country", "Plan").
  header.forEach((h, i) => {
    if (used.has(i)) return;
    const key = snakeCase(h);
    if (survey.propertyKeys.includes(key) && properties[key] === undefined) {
      properties[key] = i;
      used.add(i);
    }
  });
  return { fields, properties, ignored: header.filter((_, i) => !used.has(i)) };
}

/**
 * A time as another tool writes it, as an ISO 8601 string with a zone: ISO 8601 with a zone;
 * "YYYY-MM-DD HH:MM[:SS]" with " UTC", "Z" or an offset, or none (taken as UTC, as Delighted writes
 * them); a bare date (midnight UTC); or Unix seconds / milliseconds. Null when it is none of these.
 */
export function parseTimestamp(raw: string): string | null {
  const text = raw.trim();
  if (/^\d{10}$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  if (/^\d{13}$/.test(text)) return new Date(Number(text)).toISOString();
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", zone = "Z"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(utc).getUTCDate() !== day) return null; // 31/02 and friends
  const offset = /^(Z|UTC|GMT)$/i.test(zone) ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  return new Date(utc - offset * 60_000 + ms).toISOString();
}

export interface IngestBody {
  recipient: string;
  score: number;
  comment?: string;
  locale?: (typeof LOCALES)[number];
  properties?: Record<string, string>;
  responded_at?: string;
  /** false: stored and counted without telling webhooks (the import's default for history). */
  webhooks?: boolean;
}

export type MappedRow = { ok: true; id: string | null; body: IngestBody } | { ok: false; reason: string };

/** One data row to an ingestion body, or why it cannot be one. The API validates again; this explains early. */
export function mapRow(cells: readonly string[], columns: Columns, survey: Pick<SurveyShape, "scale">): MappedRow {
  const cell = (field: Field) => {
    const at = columns.fields[field];
    return at === undefined ? "" : (cells[at] ?? "").trim();
  };
  const rawScore = cell("score");
  if (rawScore === "") return { ok: false, reason: "missing score" };
  if (!/^\d{1,2}(\.0+)?$/.test(rawScore)) return { ok: false, reason: "score is not a whole number" };
  const score = Math.trunc(Number(rawScore));
  const { min, max } = survey.scale;
  if (score < min || score > max) return { ok: false, reason: `score not on the survey's scale ${min}–${max}` };

  const recipient = cell("recipient") || cell("email");
  if (recipient === "") return { ok: false, reason: "missing person id or email" };
  if ([...recipient].length > 200) return { ok: false, reason: "person id longer than 200 characters" };

  const body: IngestBody = { recipient, score };
  const comment = cell("comment");
  if ([...comment].length > COMMENT_MAX_LENGTH) return { ok: false, reason: `comment longer than ${COMMENT_MAX_LENGTH} characters` };
  if (comment !== "") body.comment = comment;

  const rawTime = cell("responded_at");
  if (rawTime !== "") {
    const time = parseTimestamp(rawTime);
    if (time === null) return { ok: false, reason: "response time is not a date" };
    body.responded_at = time;
  } else if (columns.fields.responded_at !== undefined) return { ok: false, reason: "missing response time" };

  const locale = cell("locale").toLowerCase().slice(0, 2);
  if ((LOCALES as readonly string[]).includes(locale)) body.locale = locale as IngestBody["locale"];

  const properties: Record<string, string> = {};
  for (const [key, at] of Object.entries(columns.properties)) {
    const value = (cells[at] ?? "").trim();
    if (value === "") continue;
    if ([...value].length > 100) return { ok: false, reason: `${key} longer than 100 characters` };
    if (key === "country" && !/^[A-Za-z]{2}$/.test(value)) return { ok: false, reason: "country is not an ISO 3166 code such as NL" };
    properties[key] = key === "country" ? value.toUpperCase() : value;
  }
  if (Object.keys(properties).length > 0) body.properties = properties;

  const id = cell("id");
  return { ok: true, id: id === "" ? null : id, body };
}

export interface ImportPlan {
  rows: { line: number; id: string; body: IngestBody }[];
  /** Reason → the rows' numbers in the file, counting records rather than lines (the header is row 1). */
  refused: Map<string, number[]>;
}

/**
 * Every data row checked: the rows to send, each with its source id, and the refused ones by reason.
 * A response id seen earlier in the file is refused, so the first occurrence is the one imported.
 * Rows without an id column are identified by `fallbackId` (the script hashes their content).
 * Quiet unless `announce`: each body says `"webhooks": false`, since months of old answers would
 * reach receivers as a flood of new responses and low scores.
 */
export function planImport(
  rows: readonly (readonly string[])[],
  columns: Columns,
  survey: Pick<SurveyShape, "scale">,
  fallbackId: (cells: readonly string[]) => string,
  { announce = false }: { announce?: boolean } = {},
): ImportPlan {
  const plan: ImportPlan = { rows: [], refused: new Map() };
  const seen = new Set<string>();
  rows.forEach((cells, i) => {
    const line = i + 2;
    const mapped = mapRow(cells, columns, survey);
    const refuse = (reason: string) => plan.refused.set(reason, [...(plan.refused.get(reason) ?? []), line]);
    if (!mapped.ok) return refuse(mapped.reason);
    const id = mapped.id ?? fallbackId(cells);
    if (seen.has(id)) return refuse("the same response id appears earlier in the file");
    seen.add(id);
    plan.rows.push({ line, id, body: announce ? mapped.body : { ...mapped.body, webhooks: false } });
  });
  return plan;
}
