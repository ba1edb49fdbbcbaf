/**
 * Pure bucket math: which rollup rows a survey-day's source rows make, and how rollup rows add up
 * again into histograms. A bucket is one survey × one local day; it holds one row per dimension value.
 */
import { emptyHistogram, isScore, type Histogram } from "../scoring/histogram";
import type { Scale } from "../scoring/metrics";
import { BUILT_IN_DIMENSIONS } from "../surveys/survey-input";
import type { DayKey, Dimension, InvitationGroup, ResponseGroup, RollupRow, StoredCounts } from "../storage/rollups";

/** The dimension every response and invitation belongs to; its only value is "". */
export const ALL = "all";
/** The stored value for "this property was not set"; the API shows it as null. */
export const UNSET = "";


/** What the bucket math needs to know about a survey. */
export interface BucketSurvey {
  id: string;
  timezone: string;
  scale: Scale;
  locale: string;
  touchpoint: string | null;
  segments: readonly string[];
}


export interface Bucket {
  surveyId: string;
  day: DayKey;
}

export const bucketKey = (bucket: Bucket): string => `${bucket.surveyId}\u0000${bucket.day}`;

/** The dimensions a survey is rolled up by: all, the built-in ones, then its custom segment keys. */
export function dimensionsOf(survey: Pick<BucketSurvey, "segments">): Dimension[] {
  return [ALL, ...BUILT_IN_DIMENSIONS, ...survey.segments];
}

function parseProperties(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    // A malformed property blob must not stop the rollup; the answer still counts under "all".
    return {};
  }
}

function propertyValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return UNSET;
}

/** The value of every dimension for one invitation; the survey's locale and touchpoint are the defaults. */
export function dimensionValues(survey: BucketSurvey, locale: string | null, propertiesJson: string): [Dimension, string][] {
  const properties = parseProperties(propertiesJson);
  return dimensionsOf(survey).map((dimension): [Dimension, string] => {
    if (dimension === ALL) return [ALL, UNSET];
    if (dimension === "locale") return [dimension, locale ?? survey.locale];
    if (dimension === "touchpoint") return [dimension, propertyValue(properties.touchpoint ?? survey.touchpoint)];
    return [dimension, propertyValue(properties[dimension])];
  });
}

/** Every row of one bucket, recomputed from all its source rows; rows that would be all zero are left out. */
export function buildBucketRows(
  survey: BucketSurvey,
  day: DayKey,
  responses: readonly ResponseGroup[],
  invitations: readonly InvitationGroup[],
): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  const size = survey.scale.max - survey.scale.min + 1;
  const rowFor = (dimension: Dimension, value: string): RollupRow => {
    const key = `${dimension}\u0000${value}`;
    let row = rows.get(key);
    if (!row) {
      row = { survey_id: survey.id, day, dimension, value, counts: new Array<number>(size).fill(0), invitations: 0, comments: 0, excluded: 0, answered: 0 };
      rows.set(key, row);
    }
    return row;
  };
  for (const group of responses) {
    const counted = group.status === "counted";
    // A score off the scale cannot be in a histogram; it can only come from a bug upstream, so it is skipped, not guessed.
    if (counted && !isScore(survey.scale, group.score)) continue;
    for (const [dimension, value] of dimensionValues(survey, group.locale, group.properties)) {
      const row = rowFor(dimension, value);
      if (counted) {
        row.counts[group.score - survey.scale.min]! += group.n;
        if (group.commented) row.comments += group.n;
      } else {
        row.excluded += group.n;
      }
    }
  }
  for (const group of invitations) {
    for (const [dimension, value] of dimensionValues(survey, group.locale, group.properties)) {
      const row = rowFor(dimension, value);
      row.invitations += group.n;
      row.answered += group.answered;
    }
  }
  return [...rows.values()].sort((a, b) => a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value));
}

/** What a set of rollup rows adds up to. */
export interface Totals {
  histogram: Histogram;
  invitations: number;
  comments: number;
  excluded: number;
  /** Of the invitations, those with a counted answer. */
  answered: number;
}

export function emptyTotals(scale: Scale): Totals {
  return { histogram: emptyHistogram(scale), invitations: 0, comments: 0, excluded: 0, answered: 0 };
}

/** Sums rollup rows: histograms are additive, so days, weeks and segments merge by addition. */
export function sumRows(scale: Scale, rows: Iterable<StoredCounts>): Totals {
  const counts = new Array<number>(scale.max - scale.min + 1).fill(0);
  let invitations = 0;
  let comments = 0;
  let excluded = 0;
  let answered = 0;
  for (const row of rows) {
    row.counts.forEach((count, i) => {
      if (i < counts.length) counts[i]! += count;
    });
    invitations += row.invitations;
    comments += row.comments;
    excluded += row.excluded;
    answered += row.answered;
  }
  return { histogram: { scale: { min: scale.min, max: scale.max }, counts }, invitations, comments, excluded, answered };
}
