/**
 * Targets with a glide path: a straight line from where the team started to where it wants to be by
 * a date. "On track" means at or above the line today; every headline here is higher-is-better
 * (CES included: on this product a higher score means less effort).
 */

export interface GlidePoint {
  value: number;
  /** A calendar day, YYYY-MM-DD. */
  date: string;
}

export interface CurrentPoint {
  /** Null when the period has no answers. */
  value: number | null;
  date: string;
}

export interface GlidePathStatus {
  /** Where the line says the headline should be on the current date. */
  expected: number;
  /** current − expected; null without a current value. */
  gap: number | null;
  /** Null without a current value: no answers are neither on nor off track. */
  on_track: boolean | null;
  /** Share of the way from start date to target date, 0–1. */
  elapsed: number;
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01; rejects malformed or impossible dates such as 2026-02-30. */
export function dayNumber(date: string): number {
  const match = DAY_PATTERN.exec(date);
  if (!match) throw new RangeError(`target: "${date}" is not a date as YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`target: "${date}" is not a calendar date`);
  }
  return time / MS_PER_DAY;
}

/** Before the start the line is the start value; after the target date, the target value. */
export function expectedOnGlidePath(start: GlidePoint, target: GlidePoint, date: string): { expected: number; elapsed: number } {
  for (const value of [start.value, target.value]) {
    if (!Number.isFinite(value)) throw new RangeError("target: values must be finite numbers");
  }
  const from = dayNumber(start.date);
  const to = dayNumber(target.date);
  const now = dayNumber(date);
  const elapsed = to <= from ? 1 : Math.min(1, Math.max(0, (now - from) / (to - from)));
  return { expected: start.value + (target.value - start.value) * elapsed, elapsed };
}

export function glidePath(start: GlidePoint, target: GlidePoint, current: CurrentPoint): GlidePathStatus {
  const { expected, elapsed } = expectedOnGlidePath(start, target, current.date);
  if (current.value === null) return { expected, gap: null, on_track: null, elapsed };
  if (!Number.isFinite(current.value)) throw new RangeError("target: the current value must be a finite number");
  return { expected, gap: current.value - expected, on_track: current.value >= expected, elapsed };
}
