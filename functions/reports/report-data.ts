/**
 * What the report site is built from: the shape of `GET /api/v1/reports/export` and of the site's
 * loader when it reads the local D1. Public exports carry no comments, recipients or properties.
 */
import type { Survey } from "../surveys/survey-input";

export type Audience = "public" | "internal";

/** One additive rollup row: a survey-day × one dimension value. */
export interface RollupRow {
  day: string;
  /** "all", touchpoint, locale, country, channel, variant or a custom segment key. */
  dimension: string;
  value: string;
  /** counts[i] = counted responses scoring scale.min + i. */
  counts: number[];
  /** Invitations created this day; answers that came without one (ingestion, import) made none. */
  invitations: number;
  comments: number;
  excluded: number;
  /** Of this day's invitations, those with a counted answer, whenever it came. */
  answered: number;
}

export interface ReportComment {
  id: string;
  score: number;
  comment: string;
  created_at: string;
  properties: Record<string, string>;
}

export interface ReportAnnotation {
  at: string;
  label: string;
}

/** How a survey asks (its emails, recurrence and reminders) is the team's business, never a report's. */
export type ReportedSurvey = Omit<Survey, "email" | "recurrence" | "reminder_after_days"> & { created_at: string };

/** The survey emails sent on one local day of the survey's time zone, and how many of them were answered. */
export interface SendDay {
  day: string;
  sent: number;
  /** Of those, the ones whose invitation has a counted response (at any time since). */
  answered: number;
}

export interface ReportSurvey {
  survey: ReportedSurvey;
  rollups: RollupRow[];
  annotations: ReportAnnotation[];
  /** Internal only: the latest comments, worst scores first. */
  comments: ReportComment[];
  /** Internal only: the days with sent emails, oldest first. */
  sends: SendDay[];
}

/** What the Worker knows about where the pages live and how they are refreshed. */
export interface ReportSite {
  /** The site's public origin (PUBLIC_URL, else the origin the export was asked at), for absolute embed URLs; null when unknown. */
  public_url: string | null;
  /** Whether a deploy hook (DEPLOY_HOOK_URL) rebuilds the pages after a rollup that changed something; null when unknown. */
  deploy_hook: boolean | null;
}

export interface ReportExport extends ReportSite {
  generated_at: string;
  audience: Audience;
  /** The last day the rollups cover, per the server clock (YYYY-MM-DD, UTC). */
  through: string;
  surveys: ReportSurvey[];
}
