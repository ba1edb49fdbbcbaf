import type { RollupReport } from "./report";
/**
 * The scheduled rollup: reads what changed since the watermark, recomputes exactly the touched
 * buckets from their source rows, and writes the rows with the new watermark in one batch. A tick
 * works in bounded chunks until it has caught up, used its time budget, or reached its chunk limit.
 *
 * Idempotent by construction: a bucket is always recomputed whole from its sources, never adjusted,
 * so redoing a chunk (after a crash before its batch, or an overlapping run) writes the same rows.
 */
import {
  clearRollups,
  readBucketSources,
  readChanges,
  readRebuildMarks,
  readSurveySpans,
  readSurveys,
  readWatermark,
  writeBuckets,
  type BucketRange,
  type Changes,
} from "../storage/rollups";
import type { StoredSurvey } from "../storage/surveys";
import { buildBucketRows, type BucketSurvey } from "./buckets";
import { addDays, dayRange, localDay } from "./days";
import { planChunk } from "./plan";

export interface RollupOptions {
  /** The tick's time (the cron's scheduledTime); decides which responses have settled. */
  now: number;
  /** Changes of each kind read per chunk. */
  chunkSize?: number;
  maxBucketsPerChunk?: number;
  /** Each chunk costs 4 round trips and 8 or so statements; D1 allows 1,000 per invocation on paid plans. */
  maxChunks?: number;
  /** Wall time after which no new chunk starts. */
  budgetMs?: number;
  settleMs?: number;
}


export const DEFAULTS = {
  chunkSize: 1_000,
  maxBucketsPerChunk: 100,
  maxChunks: 40,
  budgetMs: 20_000,
  settleMs: 60_000,
} as const;

const toBucketSurvey = (survey: StoredSurvey): BucketSurvey => ({
  id: survey.id,
  timezone: survey.timezone,
  scale: survey.scale,
  locale: survey.locale,
  touchpoint: survey.touchpoint,
  segments: survey.segments,
});

function surveyIdsOf(changes: Changes): Set<string> {
  return new Set([...changes.responses, ...changes.invitations, ...changes.touches].map((c) => c.survey_id));
}

/** One tick: as many chunks as the limits allow. */
export async function runRollups(db: D1Database, options: RollupOptions): Promise<RollupReport> {
  const settings = { ...DEFAULTS, ...options };
  const started = Date.now();
  const report: RollupReport = { chunks: 0, responses: 0, invitations: 0, touches: 0, buckets: 0, rows: 0, caughtUp: false };
  // Surveys are read once per tick; a survey edited during the tick is picked up by the next one.
  const surveys = new Map<string, BucketSurvey | null>();
  let watermark = await readWatermark(db);

  while (report.chunks < settings.maxChunks && Date.now() - started < settings.budgetMs) {
    const changes = await readChanges(db, watermark, settings.chunkSize);
    const unknown = [...surveyIdsOf(changes)].filter((id) => !surveys.has(id));
    if (unknown.length > 0) {
      const found = new Map((await readSurveys(db, unknown)).map((s) => [s.id, toBucketSurvey(s)] as const));
      for (const id of unknown) surveys.set(id, found.get(id) ?? null);
    }
    const plan = planChunk(changes, surveys, watermark, settings.chunkSize, {
      now: settings.now,
      settleMs: settings.settleMs,
      maxBuckets: settings.maxBucketsPerChunk,
    });
    const taken = plan.taken.responses + plan.taken.invitations + plan.taken.touches;
    if (taken === 0) {
      report.caughtUp = true;
      break;
    }

    const ranges: BucketRange[] = plan.buckets.map((bucket) => {
      const survey = surveys.get(bucket.surveyId)!;
      return { ...bucket, ...dayRange(bucket.day, survey.timezone) };
    });
    const sources = ranges.length > 0 ? await readBucketSources(db, ranges) : { responses: [], invitations: [] };
    const rows = ranges.flatMap((range, i) =>
      buildBucketRows(surveys.get(range.surveyId)!, range.day, sources.responses[i] ?? [], sources.invitations[i] ?? []),
    );
    await writeBuckets(db, { buckets: plan.buckets, rows, watermark: plan.watermark, touchesUpTo: plan.touchesUpTo, now: settings.now });

    watermark = plan.watermark;
    report.chunks++;
    report.responses += plan.taken.responses;
    report.invitations += plan.taken.invitations;
    report.touches += plan.taken.touches;
    report.buckets += plan.buckets.length;
    report.rows += rows.length;
    if (plan.complete) {
      report.caughtUp = true;
      break;
    }
  }
  return report;
}

/**
 * Rebuilds every rollup from the source tables: every day of every survey with data is recomputed
 * once, in chunks, and only the last chunk's batch moves the watermark (to where it stood when the
 * rebuild began), so a rebuild that dies leaves the next ticks to finish the job from zero. Needed
 * after a survey's time zone or segment keys change, or when the counting rule improves. Readers see
 * partial numbers while it runs.
 */
export async function rebuildRollups(db: D1Database, options: RollupOptions): Promise<RollupReport> {
  const settings = { ...DEFAULTS, ...options };
  const marks = await readRebuildMarks(db, settings.now - settings.settleMs);
  const spans = await readSurveySpans(db);
  const surveys = new Map((await readSurveys(db, spans.map((s) => s.survey_id))).map((s) => [s.id, toBucketSurvey(s)] as const));
  const ranges: BucketRange[] = spans.flatMap((span) => {
    const survey = surveys.get(span.survey_id);
    if (!survey) return [];
    const days: BucketRange[] = [];
    const last = localDay(span.last, survey.timezone);
    for (let day = localDay(span.first, survey.timezone); day <= last; day = addDays(day, 1)) {
      days.push({ surveyId: survey.id, day, ...dayRange(day, survey.timezone) });
    }
    return days;
  });
  await clearRollups(db, settings.now);
  const report: RollupReport = { chunks: 0, responses: 0, invitations: 0, touches: 0, buckets: 0, rows: 0, caughtUp: true };
  for (let i = 0; i === 0 || i < ranges.length; i += settings.maxBucketsPerChunk) {
    const chunk = ranges.slice(i, i + settings.maxBucketsPerChunk);
    const sources = chunk.length > 0 ? await readBucketSources(db, chunk) : { responses: [], invitations: [] };
    const rows = chunk.flatMap((range, j) =>
      buildBucketRows(surveys.get(range.surveyId)!, range.day, sources.responses[j] ?? [], sources.invitations[j] ?? []),
    );
    const last = i + settings.maxBucketsPerChunk >= ranges.length;
    await writeBuckets(db, {
      buckets: chunk,
      rows,
      watermark: last ? marks.watermark : null,
      touchesUpTo: last ? marks.touchesUpTo : null,
      now: settings.now,
    });
    report.chunks++;
    report.buckets += chunk.length;
    report.rows += rows.length;
  }
  // Whatever changed while the rebuild ran is ordinary incremental work.
  const rest = await runRollups(db, { ...options, maxChunks: Number.MAX_SAFE_INTEGER, budgetMs: Number.POSITIVE_INFINITY });
  return { ...rest, chunks: report.chunks + rest.chunks, buckets: report.buckets + rest.buckets, rows: report.rows + rest.rows };
}
