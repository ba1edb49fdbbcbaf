import { describe, expect, it } from "vitest";
import { COMMENT_MAX_LENGTH } from "../../functions/counting/comment";
import { commentFromStart, wholeCharacters } from "../../functions/respondent/oversized-form";

const scale = { min: 1, max: 5 };
const encode = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

describe("wholeCharacters: the start of a body cut at any byte", () => {
  it.each([
    ["an escape cut after its %", "comment=ab%", "comment=ab"],
    ["an escape cut after one digit", "comment=ab%E", "comment=ab"],
    ["€ cut after its first byte", "comment=ab%E2", "comment=ab"],
    ["€ cut after two bytes", "comment=ab%E2%82", "comment=ab"],
    ["€ cut inside its third escape", "comment=ab%E2%82%A", "comment=ab"],
    ["😀 cut after three bytes", "comment=ab%F0%9F%98", "comment=ab"],
    ["ж cut after its first byte", "comment=ab%D0", "comment=ab"],
  ])("drops %s", (_what, cut, kept) => {
    expect(wholeCharacters(cut)).toBe(kept);
  });

  it.each([
    ["a whole €", "comment=ab%E2%82%AC"],
    ["a whole 😀", "comment=ab%F0%9F%98%80"],
    ["an ASCII escape", "comment=ab%20"],
    ["plain text", "comment=ab+c"],
    ["a lone continuation byte (not ours to mend)", "comment=ab%80"],
  ])("keeps %s", (_what, whole) => {
    expect(wholeCharacters(whole)).toBe(whole);
  });

  it("leaves every cut of a long non-Latin comment decodable to its characters, never U+FFFD", () => {
    const body = encode({ action: "comment", score: "3", comment: "ж€😀a".repeat(40) });
    for (let end = body.indexOf("comment="); end <= body.length; end++) {
      const comment = new URLSearchParams(wholeCharacters(body.slice(0, end))).get("comment") ?? "";
      expect(comment).not.toContain("\uFFFD");
      expect("ж€😀a".repeat(40).startsWith(comment)).toBe(true);
    }
  });
});

describe("commentFromStart", () => {
  it("gives the score and the comment's first COMMENT_MAX_LENGTH code points", () => {
    const body = encode({ nonce: "n".repeat(16), action: "comment", score: "4", comment: "😀".repeat(COMMENT_MAX_LENGTH + 500) });
    expect(commentFromStart(body.slice(0, 25_000), scale)).toEqual({ score: 4, comment: "😀".repeat(COMMENT_MAX_LENGTH) });
  });

  it("drops a raw multi-byte character cut at the end (read as U+FFFD)", () => {
    expect(commentFromStart("action=comment&score=2&comment=abc\uFFFD", scale)).toEqual({ score: 2, comment: "abc" });
  });

  it.each([
    ["a choice", encode({ action: "choose", score: "2" })],
    ["a score off the scale", encode({ action: "comment", score: "9", comment: "x" })],
    ["no form at all", "x".repeat(100)],
    ["a comment form cut before its comment", "action=comment&score=2&comm"],
  ])("is null for %s", (_what, start) => {
    expect(commentFromStart(start, scale)).toBeNull();
  });
});
