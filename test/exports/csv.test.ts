import { parse } from "csv-parse/browser/esm/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_BOM, csvField, csvRow } from "../../functions/exports/csv";

describe("csvField", () => {
  it("writes plain text and numbers as they are", () => {
    expect(csvField("hello")).toBe("hello");
    expect(csvField(42)).toBe("42");
    expect(csvField(0)).toBe("0");
    expect(csvField("")).toBe("");
  });

  it("writes null as an empty field and a non-finite number as empty too", () => {
    expect(csvField(null)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
  });

  it.each([
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["line\nbreak", '"line\nbreak"'],
    ["carriage\rreturn", '"carriage\rreturn"'],
    ["crlf\r\nhere", '"crlf\r\nhere"'],
    ['"', '""""'],
  ])("quotes %j as %j", (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it("leaves non-ASCII text alone", () => {
    expect(csvField("Väldigt nöjd – très bien, Zürich, 日本")).toBe('"Väldigt nöjd – très bien, Zürich, 日本"');
    expect(csvField("Zürich")).toBe("Zürich");
  });

  it.each(["=1+1", "+31 6 1234", "-2", "@SUM(A1)", "\tcmd", "\rx"])("defuses %j so a spreadsheet shows it as text", (input) => {
    expect(csvField(input).replace(/^"/, "").startsWith("'")).toBe(true);
  });

  it("defuses and quotes when both are needed", () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  it("does not touch numbers, which are ours", () => {
    expect(csvField(-3)).toBe("-3");
  });

  it("only defuses a formula character at the start", () => {
    expect(csvField("a=b")).toBe("a=b");
    expect(csvField("mail@example.com")).toBe("mail@example.com");
  });
});

describe("csvRow", () => {
  it("joins fields with commas and ends with CRLF", () => {
    expect(csvRow(["a", 1, null, "b,c"])).toBe('a,1,,"b,c"\r\n');
  });

  it("the byte order mark is U+FEFF", () => {
    expect(CSV_BOM).toBe("\ufeff");
  });

  it("round-trips any text through an RFC 4180 parser (except defused formula starts)", () => {
    const cell = fc.oneof(fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.integer({ min: 0, max: 10 }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 6 }), { minLength: 1, maxLength: 5 }), (rows) => {
        // Two columns at least: a lone empty field is an empty line, which RFC 4180 leaves ambiguous.
        const width = rows[0]!.length;
        const table = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? null));
        const text = CSV_BOM + table.map(csvRow).join("");
        const parsed = parse(text, { bom: true, relax_column_count: false, record_delimiter: "\r\n" }) as string[][];
        const expected = table.map((r) => r.map((c) => (c === null ? "" : typeof c === "number" ? String(c) : /^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
        expect(parsed).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // 300 parses take a few seconds, more on a busy machine: the budget is for the machine, not a claim.
  }, 30_000);
});
