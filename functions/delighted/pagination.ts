import * as v from "valibot";
import { textOfCursor } from "../http/cursor";
import { unprocessable } from "./errors";

/**
 * Delighted's two ways of paging. People and Autopilot memberships: a cursor, with the next page's
 * absolute URL in `Link: <…>; rel="next"` until the last page (the clients split the header on commas,
 * so the URL never holds one). Survey responses, unsubscribes and bounces: page and per_page (≤ 100).
 */

export const MAX_PER_PAGE = 100;

/** This request's URL with some parameters set (and `.json` kept if it was asked so), as a Link header. */
export function nextLink(requestUrl: string, set: Record<string, string>): string {
  const url = new URL(requestUrl);
  for (const [name, value] of Object.entries(set)) url.searchParams.set(name, value);
  return `<${url.toString().replace(/,/g, "%2C")}>; rel="next"`;
}

/** A `cursor` query parameter's text back, as `encodeTextCursor` gave it out; Delighted's 422 when it is not one. */
export function cursorText(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const text = textOfCursor(raw);
  if (text === null) throw unprocessable("cursor", "is invalid");
  return text;
}

/** A JSON list with a Link header when there is a next page. */
export function pageResponse(items: unknown[], link: string | null): Response {
  return Response.json(items, { headers: link ? { Link: link } : {} });
}

/** A query integer as Delighted's clients send it (text, or a number from JSON-minded callers). */
const integerText = (min: number, max: number, fallback: number, description: string) =>
  v.pipe(
    v.optional(v.union([v.string(), v.number()]), String(fallback)),
    v.transform((value) => Number(value)),
    v.integer("must be a whole number"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
    v.description(`${description} ${min}–${max}, ${fallback} when absent.`),
  );

export const perPage = (fallback = 20) => integerText(1, MAX_PER_PAGE, fallback, "How many per page:");
export const pageNumber = () => integerText(1, 1_000_000, 1, "The page, from 1:");

/** Unix seconds as Delighted's clients send them (Node turns a Date into them). */
export const unixSeconds = (description: string) =>
  v.optional(
    v.pipe(
      v.union([v.string(), v.number()]),
      v.transform((value) => Number(value)),
      v.integer("must be Unix seconds"),
      v.minValue(0, "must be Unix seconds"),
      v.maxValue(32_503_680_000, "must be Unix seconds before the year 3000"),
      v.description(description),
    ),
  );
