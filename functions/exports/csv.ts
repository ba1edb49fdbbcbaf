/**
 * A CSV writer per RFC 4180 for spreadsheets: CRLF line ends, fields with a comma, quote, CR or LF
 * quoted with inner quotes doubled, and a UTF-8 byte order mark first so Excel reads accents as UTF-8.
 * Pure; the export streams rows through it.
 */

export type Cell = string | number | null;

/** Written once before the header row: without it Excel opens UTF-8 as the local code page. */
export const CSV_BOM = "\ufeff";
export const CSV_EOL = "\r\n";

/**
 * Spreadsheets run a cell that starts with = + - @ (or tab / CR, which some strip first) as a formula,
 * so a comment such as "=HYPERLINK(…)" could act on the reader's machine. Such text gets a leading
 * apostrophe, which spreadsheets show as plain text (OWASP's advice for CSV injection). Numbers are ours
 * and are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: Cell): string {
  if (value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, line end included. */
export function csvRow(cells: readonly Cell[]): string {
  return cells.map(csvField).join(",") + CSV_EOL;
}
