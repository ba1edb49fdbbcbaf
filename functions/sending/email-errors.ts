/**
 * What an error of the Email Service binding means for the message. Errors carry a string `code`; their
 * text can quote the address, so only the code is ever kept or logged.
 *
 * quota: the account's rate or daily limit, not the message's fault: it waits, its attempt uncounted.
 * suppressed: Email Service's own bounce and complaint list holds the address.
 * transient: the service could not deliver now; tried again later.
 * permanent: the message or the configuration is wrong; trying again cannot help.
 */
export const EMAIL_ERROR_KINDS = ["quota", "suppressed", "transient", "permanent"] as const;
export type EmailErrorKind = (typeof EMAIL_ERROR_KINDS)[number];

const QUOTA = new Set(["E_RATE_LIMIT_EXCEEDED", "E_DAILY_LIMIT_EXCEEDED"]);
const PERMANENT = new Set([
  "E_VALIDATION_ERROR",
  "E_FIELD_MISSING",
  "E_SENDER_NOT_VERIFIED",
  "E_SENDER_DOMAIN_NOT_AVAILABLE",
  "E_RECIPIENT_NOT_ALLOWED",
  "E_CONTENT_TOO_LARGE",
]);

/** The code recorded for an error that has none (a network failure inside the binding, say). */
export const UNKNOWN_EMAIL_ERROR = "E_UNKNOWN";

export interface EmailError {
  kind: EmailErrorKind;
  code: string;
}

function codeOf(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  // A code is a short constant; anything else could be text, and text is never kept.
  return typeof code === "string" && /^E_[A-Z0-9_]{1,64}$/.test(code) ? code : UNKNOWN_EMAIL_ERROR;
}

export function classifyEmailError(error: unknown): EmailError {
  const code = codeOf(error);
  if (QUOTA.has(code)) return { kind: "quota", code };
  if (code === "E_RECIPIENT_SUPPRESSED") return { kind: "suppressed", code };
  if (PERMANENT.has(code) || code.startsWith("E_HEADER_")) return { kind: "permanent", code };
  // E_DELIVERY_FAILED, E_INTERNAL_SERVER_ERROR, and codes this version does not know: retrying is bounded.
  return { kind: "transient", code };
}
