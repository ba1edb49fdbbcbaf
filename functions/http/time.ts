import * as v from "valibot";

/** Times leave the API as ISO 8601 strings in UTC. */
export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();

/** The schema of a time the API answers with (isoTime's output). */
export const IsoTime = v.pipe(v.string(), v.isoTimestamp());
/** A calendar day, YYYY-MM-DD. */
export const IsoDay = v.pipe(v.string(), v.isoDate());

/**
 * An ISO 8601 date-time with a zone (Z or ±HH:MM), e.g. 2026-03-05T14:22:10Z, as epoch ms; null when
 * it is not one or names no real moment. A zone is required: a time without one means a different
 * instant on every machine.
 */
export function parseIsoDateTime(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = "0", , zone] = match;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day) return null; // 2026-02-30 and the like
  const offsetSign = zone!.toUpperCase() === "Z" ? 0 : zone!.startsWith("-") ? -1 : 1;
  const [oh, om] = offsetSign === 0 ? [0, 0] : zone!.slice(1).split(":").map(Number);
  if (oh! > 23 || om! > 59) return null;
  const fraction = match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0;
  return local - offsetSign * (oh! * 60 + om!) * 60_000 + fraction;
}
