/**
 * A small RFC 4180 reader for the recipient lists pasted or uploaded on the Send page: fields split by
 * commas, records by CRLF or LF, a field in double quotes may hold commas, line breaks and doubled
 * quotes. Pure, and tiny on purpose: the Worker bundle stays lean (csv-parse is for the Node scripts).
 */

export type CsvResult = { rows: string[][] } | { error: string };

export function parseCsv(text: string): CsvResult {
  const input = text.startsWith("\ufeff") ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let i = 0;
  // Whether the current field began with a quote and is now past its closing one.
  let closed = false;
  const endField = () => {
    row.push(field);
    field = "";
    closed = false;
  };
  const endRow = () => {
    endField();
    // Blank lines carry nobody: skipped, as spreadsheets leave them at the end.
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };
  while (i < input.length) {
    const char = input[i]!;
    if (quoted) {
      if (char === '"') {
        if (input[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
        i++;
        continue;
      }
      if (char === "\n") line++;
      field += char;
      i++;
      continue;
    }
    if (char === ",") {
      endField();
      i++;
    } else if (char === "\r" && input[i + 1] === "\n") {
      endRow();
      line++;
      i += 2;
    } else if (char === "\n" || char === "\r") {
      endRow();
      line++;
      i++;
    } else if (char === '"' && field === "" && !closed) {
      quoted = true;
      i++;
    } else if (closed || char === '"') {
      return { error: `line ${line}: a quote may only open or close a field; write "" for a quote inside a quoted field.` };
    } else {
      field += char;
      i++;
    }
  }
  if (quoted) return { error: `line ${line}: a quoted field is never closed.` };
  if (field !== "" || row.length > 0 || closed) endRow();
  return { rows };
}
