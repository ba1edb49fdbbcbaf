import { describe, expect, it } from "vitest";
import { parseCsv } from "../../functions/internal/manage/csv";

describe("the Send page's CSV reader", () => {
  it("splits plain fields and records, CRLF or LF, and skips blank lines", () => {
    expect(parseCsv("email,name\r\na@example.com,Ann\n\nb@example.com,Bo\n")).toEqual({
      rows: [
        ["email", "name"],
        ["a@example.com", "Ann"],
        ["b@example.com", "Bo"],
      ],
    });
  });

  it("reads quoted fields with commas, line breaks and doubled quotes", () => {
    expect(parseCsv('email,name,team\r\n"c@example.com","Smith, ""Cy""","first\nsecond"')).toEqual({
      rows: [
        ["email", "name", "team"],
        ["c@example.com", 'Smith, "Cy"', "first\nsecond"],
      ],
    });
  });

  it("drops a leading byte order mark and keeps empty fields", () => {
    expect(parseCsv("\ufeffemail,name,locale\nd@example.com,,nl")).toEqual({ rows: [["email", "name", "locale"], ["d@example.com", "", "nl"]] });
    expect(parseCsv('a,""\n')).toEqual({ rows: [["a", ""]] });
  });

  it("refuses an unclosed quote and a stray one, naming the line", () => {
    expect(parseCsv('email\n"e@example.com')).toEqual({ error: "line 2: a quoted field is never closed." });
    expect(parseCsv('email\nf@exa"mple.com')).toEqual({ error: 'line 2: a quote may only open or close a field; write "" for a quote inside a quoted field.' });
    expect(parseCsv('email\n"g"x')).toEqual({ error: 'line 2: a quote may only open or close a field; write "" for a quote inside a quoted field.' });
  });

  it("reads nothing from nothing", () => {
    expect(parseCsv("")).toEqual({ rows: [] });
  });
});
