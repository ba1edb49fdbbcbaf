import { describe, expect, it } from "vitest";
import { parseRespondentForm, parseScore } from "../../functions/respondent/form";

const scale = { min: 1, max: 5 };
const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();
const NONCE = "n".repeat(16);

describe("the respondent form (one schema for the handler and the document)", () => {
  it("reads a choice, the action defaulting to choose", () => {
    expect(parseRespondentForm(form([["score", "4"], ["nonce", NONCE]]), scale)).toEqual({ action: "choose", score: 4, nonce: NONCE });
    expect(parseRespondentForm(form([["action", "choose"], ["score", "1"]]), scale)).toEqual({ action: "choose", score: 1, nonce: null });
  });

  it("reads a comment, even an empty one", () => {
    expect(parseRespondentForm(form([["action", "comment"], ["score", "2"], ["comment", "Slow"]]), scale)).toEqual({ action: "comment", score: 2, nonce: null, comment: "Slow" });
    expect(parseRespondentForm(form([["action", "comment"], ["score", "2"], ["comment", ""]]), scale)).toMatchObject({ comment: "" });
  });

  it("ignores a nonce that is not one of ours, and fields it does not know", () => {
    expect(parseRespondentForm(form([["score", "3"], ["nonce", "short"], ["x", "y"]]), scale)).toEqual({ action: "choose", score: 3, nonce: null });
  });

  it("takes the first value of a field given twice", () => {
    expect(parseRespondentForm(form([["score", "2"], ["score", "9"]]), scale)).toMatchObject({ score: 2 });
    expect(parseRespondentForm(form([["score", "9"], ["score", "2"]]), scale)).toBeNull();
  });

  it.each([
    ["no score", [["action", "choose"]]],
    ["a score off the scale", [["score", "6"]]],
    ["a score that is not digits", [["score", "1e0"]]],
    ["a comment form without its comment", [["action", "comment"], ["score", "2"]]],
    ["an unknown action", [["action", "delete"], ["score", "2"]]],
    ["a body that is no form", [["{\"score\":3}", ""]]],
  ] as [string, [string, string][]][])("refuses %s", (_what, fields) => {
    expect(parseRespondentForm(form(fields), scale)).toBeNull();
  });

  it("shares the score rule with the one-tap link", () => {
    expect(parseScore("5", scale)).toBe(5);
    for (const raw of ["0", "6", "05x", "", undefined, "-1"]) expect(parseScore(raw, scale)).toBeNull();
  });
});
