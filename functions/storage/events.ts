/**
 * Raw events: the words they are kept in. They are stored with their invitation's answer (the `answers`
 * table, functions/storage/answers.ts); the `events` view shows them one row each.
 */

/**
 * What a raw event was: a page load with or without a score, a HEAD, a form choice, a comment, a
 * JavaScript signal, an admin override, or "ingest": a score collected elsewhere and sent by a
 * trusted API client (server-side ingestion, import), or "honeypot": a fetch of the email block's
 * invisible link, which no person can follow (functions/respondent/honeypot.ts).
 */
export const EVENT_KINDS = ["view", "tap", "head", "choose", "comment", "signal", "override", "ingest", "honeypot"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The kind of client a request came from (functions/counting/request-signals.ts tells them apart). */
export const CLIENT_CLASSES = ["browser", "headless", "bot", "tool", "empty", "admin"] as const;
export type ClientClass = (typeof CLIENT_CLASSES)[number];

/** What a request looked like, kept as JSON with its event: the facts the counting rule weighs. */
export interface Signals {
  /** Purpose / Sec-Purpose / X-Purpose / X-Moz said this was a prefetch or prerender, not a visit. */
  prefetch?: boolean;
  /** Sec-Fetch-Mode, -Site, -Dest and -User as a modern browser sends them. */
  fetch_mode?: string;
  fetch_site?: string;
  fetch_dest?: string;
  fetch_user?: boolean;
  /**
   * An Origin header naming another origin than ours: a POST from another site's page, told apart this
   * way where a browser sends no Sec-Fetch-Site. "null" (our pages' no-referrer policy) is not a mismatch.
   */
  origin_mismatch?: boolean;
  accept_language?: boolean;
  /** From a request of a network that hosts scanners and clouds rather than people. */
  cloud?: boolean;
  /** Of those, a network of machines only (no offices, no consumer relay): HOSTING_ASNS. */
  hosting?: boolean;
  /** The device: a hash of the whole user agent (8 hex digits), to tell one device's requests from another's. */
  agent?: string;
  /** The client: a 16-bit hash of the address's network (/24, /48) and the user agent; equal within an invitation means the same client. */
  peer?: string;
  /** Chrome's major version in the user agent, as text (queue messages carry strings): how outdated the browser is. */
  chrome?: string;
  /** The one-time form id of a POST from our page; a repeat is a replay. */
  nonce?: string;
  /** A JavaScript beacon fired by a trusted user input event (pointer, key, touch). */
  trusted_input?: boolean;
  /** An admin's override: the status it sets, or "auto" to return to the rule. */
  override?: "counted" | "excluded" | "auto";
}

/** An event as stored, and as the counting rule weighs it. */
export interface RuleEvent {
  seq: number;
  kind: EventKind;
  score: number | null;
  at: number;
  client: ClientClass;
  signals: Signals;
}

/** One event as kept with its invitation's answer (answers.events). */
export interface StoredEvent {
  kind: EventKind;
  score: number | null;
  at: number;
  client: ClientClass;
  asn: number | null;
  country: string | null;
  signals: Signals;
  /** The TAPS queue message that wrote it: a redelivery finds it here and writes nothing twice. */
  message?: string;
}

/** An event to store, with the invitation it belongs to. */
export interface NewEvent extends Omit<StoredEvent, "message"> {
  invitation_id: string;
}
