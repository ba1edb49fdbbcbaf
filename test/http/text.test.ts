import { toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { cleanComment } from "../../functions/counting/comment";
import { codePoints, decodePercentEscapes, firstIllFormed, freeText, urlEncodedFields } from "../../functions/http/text";

describe("firstIllFormed", () => {
  it("names the first string holding a lone surrogate by its dot path, keys included", () => {
    expect(firstIllFormed({ a: "ok", b: ["fine", { c: "sur\ud800x" }], d: "\udfff" })).toBe("b.1.c");
    expect(firstIllFormed({ properties: { ["k\ud800"]: "v" } })).toBe("properties.k\ufffd");
    expect(firstIllFormed(JSON.parse('{"recipients":[{"recipient":"a"},{"recipient":"\\ud83d"}]}'))).toBe("recipients.1.recipient");
  });

  it("passes well-formed text, pairs and all, and values that are not strings", () => {
    expect(firstIllFormed({ a: "Zoë 😀 \ufffd", n: 1, t: true, z: null, l: [[], {}] })).toBeNull();
  });

  it("walks nesting deeper than the stack", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}"\\udc00"${"]".repeat(200_000)}`);
    expect(firstIllFormed({ deep })).toBe(`deep${".0".repeat(200_000)}`);
  });
});

describe("urlEncodedFields", () => {
  it("reads what URLSearchParams reads when every escape is UTF-8", () => {
    const body = "a=1&b=caf%C3%A9+au+lait&&c&d=%zz%2&e=%F0%9F%98%80&a=2";
    const fields = urlEncodedFields(body);
    expect(fields.map((f) => [f.name, f.value])).toEqual([...new URLSearchParams(body)]);
    expect(fields.every((f) => f.wellFormed)).toBe(true);
  });

  it.each(["%ED%A0%80", "%C3", "%FF", "%C0%80", "caf%C3x"])("tells apart %s, which is not UTF-8, reading it as URLSearchParams would", (escaped) => {
    const [field] = urlEncodedFields(`comment=${escaped}`);
    expect(field).toEqual({ name: "comment", value: new URLSearchParams(`comment=${escaped}`).get("comment"), wellFormed: false });
  });

  it("tells apart a name that is not UTF-8 too", () => {
    expect(urlEncodedFields("%ED%A0%80=1")[0]!.wellFormed).toBe(false);
  });
});

describe("decodePercentEscapes", () => {
  it("decodes UTF-8 and refuses the rest", () => {
    expect(decodePercentEscapes("Zo%C3%AB%20M%C3%BCller")).toBe("Zoë Müller");
    expect(decodePercentEscapes("a+b%zz")).toBe("a+b%zz");
    expect(decodePercentEscapes("sur%ED%A0%80x")).toBeNull();
    expect(decodePercentEscapes("\ud800")).toBeNull();
  });
});

describe("freeText, the one rule for free-text fields", () => {
  const name = freeText(5);
  const issue = (input: unknown) => {
    const result = v.safeParse(name, input);
    return result.success ? null : result.issues[0].message;
  };

  it("trims, and counts characters as code points", () => {
    expect(v.parse(name, "  abc  ")).toBe("abc");
    expect(codePoints("😀😀😀😀😀")).toBe(5);
    expect(v.parse(name, "😀😀😀😀😀")).toBe("😀😀😀😀😀");
    expect(issue("😀😀😀😀😀😀")).toBe("must be at most 5 characters");
  });

  it.each([
    ["a lone surrogate", "sur\ud800"],
    ["NUL", "a\u0000b"],
    ["NEL (U+0085)", "a\u0085b"],
    ["another C1 control", "a\u009bb"],
    ["DEL", "a\u007fb"],
    ["a line break inside", "a\nb"],
    ["nothing once trimmed", " \t "],
    ["not text", 5],
  ])("refuses %s", (_what, input) => {
    expect(issue(input)).not.toBeNull();
  });

  it("says what it checks in JSON Schema: a string, not empty, maxLength (which JSON Schema counts in code points too)", () => {
    expect(toJsonSchema(name, { errorMode: "ignore", typeMode: "input" })).toMatchObject({ type: "string", minLength: 1, maxLength: 5 });
  });
});

describe("the comment rule", () => {
  it("removes C1 controls as it removes C0 ones, and takes NEL for a line break", () => {
    expect(cleanComment("a\u0085b\u009b\u0000c\r\nd\te")).toEqual({ ok: true, comment: "a\nbc\nd\te" });
  });
});
