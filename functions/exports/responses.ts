import { isoTime } from "../http/time";
import { allowedPropertyKeys } from "../surveys/properties";
import { exportChunk, type ExportFilter, type ResponseCursor, type ResponseRecord } from "../storage/responses";
import type { StoredSurvey } from "../storage/surveys";
import { CSV_BOM, csvRow, type Cell } from "./csv";

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Rows read from D1 per query: small enough to keep memory flat, large enough to keep queries few. */
export const EXPORT_CHUNK = 500;

export const FIXED_COLUMNS = ["id", "invitation", "recipient", "score", "comment", "status", "reason", "locale", "created_at", "updated_at", "source"] as const;

/**
 * The CSV columns of a survey's export: the fixed ones (source keeps template-link answers apart), then one `property.<key>` column per property
 * the survey keeps (touchpoint, country, channel, variant, then its segments). The prefix keeps a
 * segment named like a fixed column (say "status") from clashing with it.
 */
export function exportColumns(survey: Pick<StoredSurvey, "segments">): string[] {
  return [...FIXED_COLUMNS, ...[...allowedPropertyKeys(survey)].map((key) => `property.${key}`)];
}

export function csvCells(response: ResponseRecord, propertyKeys: readonly string[]): Cell[] {
  return [
    response.id,
    response.invitation,
    response.recipient,
    response.score,
    response.comment,
    response.status,
    response.reason,
    response.locale,
    isoTime(response.created_at),
    isoTime(response.updated_at),
    response.source ?? "invitation",
    ...propertyKeys.map((key) => response.properties[key] ?? null),
  ];
}

/**
 * All matching responses as a stream of CSV or NDJSON text, read from D1 a chunk at a time as the
 * client reads: however many there are, the Worker holds one chunk. `keep` checks per row what
 * storage cannot filter by (the manage pages' score, segment and comment filters).
 */
export function exportStream(
  db: D1Database,
  survey: StoredSurvey,
  filter: ExportFilter,
  format: ExportFormat,
  present: (response: ResponseRecord) => unknown,
  keep: (response: ResponseRecord) => boolean = () => true,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const propertyKeys = [...allowedPropertyKeys(survey)];
  let after: ResponseCursor | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let text = "";
        if (!started && format === "csv") text += CSV_BOM + csvRow(exportColumns(survey));
        started = true;
        const chunk = await exportChunk(db, survey.id, filter, after, EXPORT_CHUNK);
        for (const response of chunk) {
          if (!keep(response)) continue;
          text += format === "csv" ? csvRow(csvCells(response, propertyKeys)) : `${JSON.stringify(present(response))}\n`;
        }
        if (text) controller.enqueue(encoder.encode(text));
        const last = chunk.at(-1);
        if (chunk.length < EXPORT_CHUNK || !last) controller.close();
        else after = { created_at: last.created_at, id: last.id };
      },
    },
    { highWaterMark: 0 },
  );
}
