import * as v from "valibot";

/**
 * Text as every way in reads it. Only well-formed Unicode is accepted: a lone UTF-16 surrogate has no
 * UTF-8 form, so D1 would keep bytes that read back as U+FFFD and no later request could name the row
 * again (an erasure could never find that person). Free-text fields share one rule (freeText). Pure.
 */

export const NOT_WELL_FORMED = "must be well-formed Unicode (no lone UTF-16 surrogates, percent-escapes that decode as UTF-8)";

/** Characters as people, and JSON Schema's maxLength, count them: an emoji is one, not two UTF-16 units. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** C0, DEL and C1 (NUL, U+0085 NEL …): never part of a one-line name, label or URL. */
const CONTROL = /\p{Cc}/u;

/** Refuses control characters (checked on the text as it will be kept). */
export const withoutControlCharacters = () => v.check((text: string) => !CONTROL.test(text), "must not contain control characters");

/**
 * maxLength counted in code points. It keeps valibot's max_length type on purpose: JSON Schema's
 * maxLength counts code points too, so the OpenAPI document says exactly what is checked.
 */
function maxCodePoints<const N extends number>(max: N, message: string): v.MaxLengthAction<string, N, string> {
  const utf16 = v.maxLength<string, N, string>(max, message);
  return {
    ...utf16,
    // The UTF-16 check reports the issue; it runs only once the code points are over, when it is over too.
    "~run": (dataset, config) => (dataset.typed && codePoints(dataset.value) > max ? utf16["~run"](dataset, config) : dataset),
  };
}

/**
 * The one rule for free text a caller names things with (survey names and questions, labels, key
 * names, recipient ids, property values): well-formed, trimmed, not empty, no control characters,
 * at most `max` characters counted as code points. People's comments keep their own rule
 * (counting/comment.ts): their text is cleaned, never refused.
 */
export const freeText = <const N extends number>(max: N) =>
  v.pipe(
    v.string("must be text"),
    v.check((text: string) => text.isWellFormed(), NOT_WELL_FORMED),
    v.trim(),
    v.minLength(1, "must not be empty"),
    withoutControlCharacters(),
    maxCodePoints(max, `must be at most ${max} characters`),
  );

/**
 * The dot path (as valibot's getDotPath writes it) of the first string in a parsed JSON value that is
 * not well-formed, a key or a value; null when every string is. Iterative: a 1 MiB body may nest
 * deeper than the stack, and a path is built only for the string found.
 */
export function firstIllFormed(root: unknown): string | null {
  interface Node {
    value: unknown;
    key: string | null;
    parent: Node | null;
  }
  const pathOf = (node: Node): string => {
    const keys: string[] = [];
    for (let at: Node | null = node; at; at = at.parent) if (at.key !== null) keys.push(at.key.toWellFormed());
    return keys.reverse().join(".");
  };
  const stack: Node[] = [{ value: root, key: null, parent: null }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      if (!value.isWellFormed()) return pathOf(node);
    } else if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value);
      // Pushed in reverse, so the first string in the document is the one named.
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const childNode = { value: child, key, parent: node };
        if (!key.isWellFormed()) return pathOf(childNode);
        stack.push(childNode);
      }
    }
  }
  return null;
}

export interface UrlEncodedField {
  name: string;
  value: string;
  /** False when a percent-escape of the name or value is not UTF-8; both then hold U+FFFD where bytes were lost. */
  wellFormed: boolean;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });

/** %XX as bytes; a % without two hex digits stays itself, as URLs and URLSearchParams read it. */
function percentDecode(input: string): Uint8Array {
  const bytes = new TextEncoder().encode(input);
  const out = new Uint8Array(bytes.length);
  const hex = (b: number | undefined) => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x25 && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
      out[length++] = Number.parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      i += 2;
    } else {
      out[length++] = bytes[i]!;
    }
  }
  return out.subarray(0, length);
}

/** A percent-encoded string as text, or null when its bytes are not UTF-8 (where decodeURIComponent-like readers would put U+FFFD). */
export function decodePercentEscapes(input: string): string | null {
  if (!input.isWellFormed()) return null;
  try {
    return strictUtf8.decode(percentDecode(input));
  } catch {
    return null;
  }
}

function decodeFormComponent(raw: string): { text: string; wellFormed: boolean } {
  const spaced = raw.replaceAll("+", " ");
  const text = decodePercentEscapes(spaced);
  return text === null ? { text: lossyUtf8.decode(percentDecode(spaced)), wellFormed: false } : { text, wellFormed: true };
}

/**
 * application/x-www-form-urlencoded (a form body, a query string) read as URLSearchParams reads it,
 * except that escapes which are not UTF-8 are told apart instead of silently becoming U+FFFD.
 */
export function urlEncodedFields(encoded: string): UrlEncodedField[] {
  const fields: UrlEncodedField[] = [];
  for (const part of encoded.split("&")) {
    if (part === "") continue;
    const split = part.indexOf("=");
    const name = decodeFormComponent(split === -1 ? part : part.slice(0, split));
    const value = decodeFormComponent(split === -1 ? "" : part.slice(split + 1));
    fields.push({ name: name.text, value: value.text, wellFormed: name.wellFormed && value.wellFormed });
  }
  return fields;
}
