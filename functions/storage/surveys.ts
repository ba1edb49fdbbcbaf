import { NO_BRAND } from "../surveys/brand";
import { DEFAULT_SURVEY_EMAIL, type Survey } from "../surveys/survey-input";
import type { Locale } from "../i18n/locales";
import type { Headline, Metric } from "../scoring/metrics";
import type { D1Reads } from "./reads";

/** The `surveys` table: every SQL statement that touches it lives here. */

export interface SurveyRow {
  id: string;
  name: string;
  metric: Metric;
  scale_min: number;
  scale_max: number;
  satisfied_min: number;
  headline: Headline;
  locale: Locale;
  timezone: string;
  touchpoint: string | null;
  attribute: string | null;
  public: number;
  min_public_n: number;
  settings: string;
  created_at: number;
  updated_at: number;
  archived_at: number | null;
  retain_days: number | null;
}

/** What the `settings` JSON column holds; retain_days has its own column since migration 0002. */
interface SurveySettings {
  question: Survey["question"];
  follow_up: Survey["follow_up"];
  follow_ups?: Survey["follow_ups"];
  segments: string[];
  target: Survey["target"];
  benchmark: Survey["benchmark"];
  // Absent from surveys stored before sending existed (migration 0003): read as their defaults.
  email?: Survey["email"];
  recurrence?: Survey["recurrence"];
  reminder_after_days?: Survey["reminder_after_days"];
  // Absent from surveys stored before A/B baselines were a setting: read as null.
  control_variant?: Survey["control_variant"];
  // Absent from surveys stored before brands: no brand of their own.
  brand?: Survey["brand"];
}

export interface StoredSurvey extends Survey {
  created_at: number;
  updated_at: number;
  archived_at: number | null;
}

export const SURVEY_COLUMNS =
  "id, name, metric, scale_min, scale_max, satisfied_min, headline, locale, timezone, touchpoint, attribute, public, min_public_n, settings, created_at, updated_at, archived_at, retain_days";

export function surveyFromRow(row: SurveyRow): StoredSurvey {
  const settings = JSON.parse(row.settings) as SurveySettings;
  return {
    id: row.id,
    name: row.name,
    metric: row.metric,
    scale: { min: row.scale_min, max: row.scale_max },
    satisfied_min: row.satisfied_min,
    headline: row.headline,
    question: settings.question,
    locale: row.locale,
    touchpoint: row.touchpoint,
    attribute: row.attribute,
    timezone: row.timezone,
    segments: settings.segments,
    public: row.public === 1,
    min_public_n: row.min_public_n,
    target: settings.target,
    benchmark: settings.benchmark,
    follow_up: settings.follow_up,
    follow_ups: settings.follow_ups ?? {},
    retain_days: row.retain_days,
    email: { ...DEFAULT_SURVEY_EMAIL, ...settings.email },
    recurrence: settings.recurrence ?? null,
    reminder_after_days: settings.reminder_after_days ?? null,
    control_variant: settings.control_variant ?? null,
    brand: { ...NO_BRAND, ...settings.brand },
    archived: row.archived_at !== null,
    created_at: row.created_at,
    updated_at: row.updated_at,
    archived_at: row.archived_at,
  };
}

function settingsOf(survey: Survey): string {
  const settings: SurveySettings = {
    question: survey.question,
    follow_up: survey.follow_up,
    follow_ups: survey.follow_ups,
    segments: survey.segments,
    target: survey.target,
    benchmark: survey.benchmark,
    email: survey.email,
    recurrence: survey.recurrence,
    reminder_after_days: survey.reminder_after_days,
    control_variant: survey.control_variant ?? null,
    brand: survey.brand ?? NO_BRAND,
  };
  return JSON.stringify(settings);
}

/** Inserts a survey; answers false when the id is taken (the existing survey is left untouched). */
export async function insertSurvey(db: D1Database, survey: Survey, now: number): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO surveys (${SURVEY_COLUMNS})
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, NULL, ?16)
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(
      survey.id,
      survey.name,
      survey.metric,
      survey.scale.min,
      survey.scale.max,
      survey.satisfied_min,
      survey.headline,
      survey.locale,
      survey.timezone,
      survey.touchpoint,
      survey.attribute,
      survey.public ? 1 : 0,
      survey.min_public_n,
      settingsOf(survey),
      now,
      survey.retain_days ?? null,
    )
    .run();
  return result.meta.changes === 1;
}

export async function getSurvey(db: D1Database, id: string): Promise<StoredSurvey | null> {
  const row = await db.prepare(`SELECT ${SURVEY_COLUMNS} FROM surveys WHERE id = ?1`).bind(id).first<SurveyRow>();
  return row ? surveyFromRow(row) : null;
}

export interface SurveyPage {
  surveys: StoredSurvey[];
  next_cursor: string | null;
}

/** Lists surveys by id, a page at a time; archived ones only when asked. */
export async function listSurveys(
  db: D1Reads,
  options: { includeArchived: boolean; after: string | null; limit: number },
): Promise<SurveyPage> {
  const { results } = await db
    .prepare(
      `SELECT ${SURVEY_COLUMNS} FROM surveys
       WHERE (?1 = 1 OR archived_at IS NULL) AND id > ?2
       ORDER BY id LIMIT ?3`,
    )
    .bind(options.includeArchived ? 1 : 0, options.after ?? "", options.limit + 1)
    .all<SurveyRow>();
  const page = results.slice(0, options.limit).map(surveyFromRow);
  return { surveys: page, next_cursor: results.length > options.limit ? (page.at(-1)?.id ?? null) : null };
}

/** Every survey that is not archived, by id, paging through listSurveys; at most `limit`. */
export async function listActiveSurveys(db: D1Reads, limit = Number.POSITIVE_INFINITY): Promise<StoredSurvey[]> {
  const surveys: StoredSurvey[] = [];
  let after: string | null = null;
  do {
    const page = await listSurveys(db, { includeArchived: false, after, limit: 100 });
    surveys.push(...page.surveys);
    after = page.next_cursor;
  } while (after !== null && surveys.length < limit);
  return surveys.slice(0, limit);
}

/** Writes every editable field of a survey; archiving keeps the first archive time. */
export async function updateSurvey(db: D1Database, survey: Survey, now: number): Promise<void> {
  await updateSurveyStatement(db, survey, now).run();
}

export function updateSurveyStatement(db: D1Database, survey: Survey, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE surveys SET name = ?2, satisfied_min = ?3, headline = ?4, locale = ?5, timezone = ?6,
         touchpoint = ?7, attribute = ?8, public = ?9, min_public_n = ?10, settings = ?11, updated_at = ?12,
         archived_at = CASE WHEN ?13 = 1 THEN COALESCE(archived_at, ?12) ELSE NULL END, retain_days = ?14
       WHERE id = ?1`,
    )
    .bind(
      survey.id,
      survey.name,
      survey.satisfied_min,
      survey.headline,
      survey.locale,
      survey.timezone,
      survey.touchpoint,
      survey.attribute,
      survey.public ? 1 : 0,
      survey.min_public_n,
      settingsOf(survey),
      now,
      survey.archived ? 1 : 0,
      survey.retain_days ?? null,
    );
}
