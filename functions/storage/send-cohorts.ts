/**
 * Response rate per send cohort: of the survey emails sent in a span of time, how many were answered.
 * Read from sends and responses for the metrics API; rollups know nothing of messages.
 */
import type { D1Reads } from "./reads";

export interface SendCohort {
  /** Messages of the survey sent in the span. */
  sent: number;
  /** Of those, the ones whose invitation has a counted response (at any time, before or after). */
  answered: number;
}

/** The cohort of messages sent in [from, to), epoch ms. A reminder is a message of its own, answered with its invitation. */
export async function sendCohort(db: D1Reads, surveyId: string, from: number, to: number): Promise<SendCohort> {
  const row = await db
    .prepare(
      `SELECT COUNT(*) AS sent, COUNT(r.id) AS answered
       FROM sends s LEFT JOIN responses r ON r.invitation_id = s.invitation_id AND r.status = 'counted'
       WHERE s.survey_id = ?1 AND s.status = 'sent' AND s.sent_at >= ?2 AND s.sent_at < ?3`,
    )
    .bind(surveyId, from, to)
    .first<SendCohort>();
  return row ?? { sent: 0, answered: 0 };
}

/** Messages sent in one quarter hour (epoch ms of its start) and how many of them were answered. */
export interface QuarterHourCohort {
  at: number;
  sent: number;
  answered: number;
}

const QUARTER_HOUR_MS = 900_000;

/**
 * The survey's sent messages in [from, to), epoch ms, counted per UTC quarter hour. Every time zone
 * in use today is offset from UTC by whole quarter hours and changes its clocks on one, so each
 * quarter hour lies inside one local day of any zone: the caller buckets these into local days, DST
 * days included, and the rows stay bounded (96 a day) however many messages went out.
 */
export async function sendCohortsByQuarterHour(db: D1Reads, surveyId: string, from: number, to: number): Promise<QuarterHourCohort[]> {
  const { results } = await db
    .prepare(
      `SELECT (s.sent_at / ?4) * ?4 AS at, COUNT(*) AS sent, COUNT(r.id) AS answered
       FROM sends s LEFT JOIN responses r ON r.invitation_id = s.invitation_id AND r.status = 'counted'
       WHERE s.survey_id = ?1 AND s.status = 'sent' AND s.sent_at >= ?2 AND s.sent_at < ?3
       GROUP BY at ORDER BY at`,
    )
    .bind(surveyId, from, to, QUARTER_HOUR_MS)
    .all<QuarterHourCohort>();
  return results;
}
