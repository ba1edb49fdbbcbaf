import * as v from "valibot";

/**
 * Query parameters as valibot schemas: they arrive as strings (the router refuses one given twice),
 * and these turn them into what handlers use. The route table declares them, so the router checks
 * them and the OpenAPI document lists them from the same schema.
 */

/** An integer from min to max; the fallback when absent. */
export const queryInteger = ({ min, max, fallback }: { min: number; max: number; fallback: number }, description: string) => {
  const message = `must be an integer from ${min} to ${max}.`;
  return v.optional(
    v.pipe(
      v.string(),
      v.description(`${description} ${min}–${max}, default ${fallback}.`),
      v.regex(/^\d{1,9}$/, message),
      v.transform(Number),
      v.number(),
      v.minValue(min, message),
      v.maxValue(max, message),
    ),
    String(fallback),
  );
};

/** true/1 or false/0; false when absent. */
export const queryBoolean = (description: string) =>
  v.optional(
    v.pipe(
      v.picklist(["true", "false", "1", "0"], "must be true or false."),
      v.description(description),
      v.transform((raw) => raw === "true" || raw === "1"),
      v.boolean(),
    ),
    "false",
  );

/** One of a fixed list of words. */
export const queryChoice = <const T extends readonly [string, ...string[]]>(choices: T, description: string) =>
  v.optional(v.pipe(v.picklist(choices, `must be one of ${choices.join(", ")}.`), v.description(description)));

/** Free text the handler interprets further (a cursor, a date); bounded so nothing huge is parsed. */
export const queryText = (description: string, maxLength = 512) =>
  v.optional(v.pipe(v.string(), v.description(description), v.maxLength(maxLength, `must be at most ${maxLength} characters.`)));
