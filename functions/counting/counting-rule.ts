import type { ClientClass, EventKind, RuleEvent, Signals } from "../storage/events";
import type { Decision, Reason } from "../storage/responses";

/**
 * The counting rule: from the raw events of one invitation, which score counts, and whether it is
 * a person's choice at all. Pure and re-runnable, so history can be re-decided when the rule improves.
 *
 * Scanners fetch links; people choose. What a scanner does and a person does not:
 * - HEAD requests and prefetches (never a choice here);
 * - bot, tool, headless or empty user agents;
 * - a sweep: three or more different scores of one email fetched in one burst by one kind of client,
 *   or two different scores within RAPID_GAP_MS (prefilled links fetched side by side);
 * - following the email block's invisible honeypot link: every request of that client (same network
 *   and user agent) within HONEYPOT_WINDOW_MS of it is the scanner's;
 * - a replay: a form POST repeated with the same one-time form id;
 * - a form POST from a page that a scanner, not a person, loaded;
 * - a form POST or beacon from another site's page (whoever's browser sent it, the choice was not made on ours);
 * - a request from a cloud or scanner network without a browser's navigation headers, or with a
 *   Chrome many versions out of date (a sandbox such as Safe Links' detonation);
 * - a page load from a network of machines only (HOSTING_ASNS) whose device never shows a person
 *   afterwards (trusted input, a form of ours): a detonation chamber opening one link.
 * Everything else is a person: one tap counts at once (people without JavaScript get no second
 * step), a later tap or form choice of the same device replaces it, and the latest human choice
 * wins. Another device's later tap (a scanner's re-visit from elsewhere) replaces nothing unless that
 * device shows a person too.
 */


/**
 * Requests of one burst are at most this far apart. Sandboxes that run each page's JavaScript for a
 * few seconds before opening the next link still chain into one burst; a person would have to go
 * back to the email and tap two more different scores within that time to look like a sweep.
 */
export const SWEEP_GAP_MS = 30_000;
/** Distinct scores in one burst that no person taps: an email's links being checked. */
export const SWEEP_DISTINCT_SCORES = 3;
/**
 * Two different scores this close from one client are links fetched, not chosen (PostHog saw several
 * ratings within one second from prefilled links): a person's tap takes them out of the email, to a
 * browser tab in front, and back takes longer. A double tap is the same score twice.
 */
export const RAPID_GAP_MS = 1_000;
/**
 * A client that fetched the honeypot link is a scanner for this long either side of the fetch: a
 * scanner's pass over an email takes seconds; a person's own tap from the same network and browser
 * (never the same client as a scanner's) is far rarer than the pass is long.
 */
export const HONEYPOT_WINDOW_MS = 10 * 60_000;
/**
 * Chrome ships a major version about every four weeks and updates itself; a Chrome this many
 * versions behind its time from a cloud network is a sandbox's pinned build (Safe Links' is years old).
 */
export const STALE_CHROME_MAJORS = 8;
const CHROME_100_RELEASED = Date.UTC(2022, 2, 29);
/** 31 days: Chrome's four-week cycle with its year-end pauses, fitted on 100 (2022-03-29) to 131 (2024-11-12). */
const CHROME_CYCLE_MS = 31 * 86_400_000;

/** The newest Chrome major at a time, as its release schedule has it. */
export const expectedChromeMajor = (at: number): number => 100 + Math.floor((at - CHROME_100_RELEASED) / CHROME_CYCLE_MS);

/** GETs that serve our page: a tap (with a score) or a view (without). */
const PAGE_LOADS: ReadonlySet<EventKind> = new Set(["tap", "view"]);
const CHOICE_KINDS: ReadonlySet<EventKind> = new Set(["tap", "choose", "comment", "ingest"]);
/** Requests our page makes: form posts and the beacon. */
const POST_KINDS: ReadonlySet<EventKind> = new Set(["choose", "comment", "signal"]);

/**
 * A POST that another site's page made: the browser said so (Sec-Fetch-Site cross-site, or same-site:
 * a sibling subdomain is not our page either), or, where it sends no Sec-Fetch-Site, its Origin named
 * another origin. Our forms and beacon post to their own origin. The respondent route refuses such a
 * form with this same test, so the page and the rule cannot disagree.
 */
export function fromAnotherSite(signals: Signals): boolean {
  return signals.fetch_site === "cross-site" || signals.fetch_site === "same-site" || signals.origin_mismatch === true;
}

type Verdict = { human: true } | { human: false; reason: Reason };
const HUMAN: Verdict = { human: true };
const notHuman = (reason: Reason): Verdict => ({ human: false, reason });

/** What a person shows on our page: a form of ours, an ingested answer, or a beacon after trusted input. */
const showsPerson = (e: RuleEvent) =>
  e.kind === "choose" || e.kind === "comment" || e.kind === "ingest" || (e.kind === "signal" && e.signals.trusted_input === true);

/**
 * The device a request came from: its user agent's hash on one kind of network (a person's phone moves
 * between carrier addresses, not onto a cloud's). For events stored before the hash was kept, the
 * client class, which was all the rule told apart then.
 */
const deviceOf = (e: RuleEvent) => `${e.signals.agent ?? e.client}|${e.signals.cloud === true}`;
/** The client: the device on one network (the peer hash: address /24 or /48 and user agent). */
const clientOf = (e: RuleEvent) => e.signals.peer ?? deviceOf(e);

interface Judgement {
  ordered: RuleEvent[];
  choices: RuleEvent[];
  verdicts: Map<number, Verdict>;
  /** The choices that are the person's, in time order. */
  personal: RuleEvent[];
}

function judge(events: readonly RuleEvent[]): Judgement | null {
  // Time order, then arrival: a queued tap retried after a later one still counts as the earlier choice.
  const ordered = [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const choices = ordered.filter((e) => CHOICE_KINDS.has(e.kind) && e.score !== null && !e.signals.prefetch);
  if (choices.length === 0) return null;
  const verdicts = judgeAll(ordered);
  return { ordered, choices, verdicts, personal: personalChoices(ordered, choices, verdicts) };
}

/**
 * Of the human choices, the person's: those of the device that came first (its page load or choice)
 * and of every device that showed a person. A request from a hosting network is a person's only if
 * its client (that network and browser) showed a person: a detonation chamber opens a link and leaves.
 */
function personalChoices(ordered: readonly RuleEvent[], choices: readonly RuleEvent[], verdicts: ReadonlyMap<number, Verdict>): RuleEvent[] {
  const isHuman = (e: RuleEvent) => verdicts.get(e.seq)?.human === true;
  const shown = ordered.filter((e) => isHuman(e) && showsPerson(e));
  const shownClients = new Set(shown.map(clientOf));
  const trusted = (e: RuleEvent) => isHuman(e) && (e.signals.hosting !== true || shownClients.has(clientOf(e)));
  const first = ordered.find((e) => (PAGE_LOADS.has(e.kind) || CHOICE_KINDS.has(e.kind)) && trusted(e));
  if (!first) return [];
  const people = new Set([deviceOf(first), ...shown.map(deviceOf)]);
  return choices.filter((e) => trusted(e) && people.has(deviceOf(e)));
}

export function decide(events: readonly RuleEvent[]): Decision | null {
  const judged = judge(events);
  if (!judged) return null;
  const { ordered, choices, verdicts, personal } = judged;
  let decision: Decision;
  const person = personal.at(-1);
  if (person) {
    // A form post or a trusted-input beacon from a person is a second, deliberate step.
    const confirmed = ordered.some((e) => verdicts.get(e.seq)?.human === true && showsPerson(e));
    decision = { score: person.score!, status: "counted", reason: confirmed ? "confirmed" : "tap" };
  } else {
    const last = choices.at(-1)!;
    const verdict = verdicts.get(last.seq);
    const reason: Reason = verdict && !verdict.human ? verdict.reason : last.signals.hosting === true ? "cloud_network" : "sweep";
    decision = { score: last.score!, status: "suspected", reason };
  }
  return applyOverride(decision, ordered);
}

/**
 * When the answer was given: the time of the first choice the rule counts as the person's, whatever
 * they chose later (a changed score is the same answer). A scanner's click never sets it while a
 * person's choice is known; with none, the first choice's time, so a suspected click keeps its own day.
 * Event times are the requests' own (a queued tap carries its tap time), so every path agrees.
 */
export function answerTime(events: readonly RuleEvent[]): number | null {
  const judged = judge(events);
  if (!judged) return null;
  return (judged.personal[0] ?? judged.choices[0]!).at;
}

/** A verdict for every page load and every post of our page; HEADs, prefetches and overrides get none. */
function judgeAll(ordered: readonly RuleEvent[]): Map<number, Verdict> {
  const pageLoads = ordered.filter((e) => PAGE_LOADS.has(e.kind) && !e.signals.prefetch);
  const sweeps = sweepMembers(pageLoads);
  const honeypots = ordered.filter((e) => e.kind === "honeypot");
  const verdicts = new Map<number, Verdict>();
  const usedNonces = new Set<string>();
  const lastPageLoadByLook = new Map<string, Verdict>();
  let personLoadedPage = false;
  for (const event of ordered) {
    if (event.signals.prefetch) continue;
    if (event.kind === "ingest") {
      // Sent with an API key by the team itself, about a person it asked elsewhere: trusted only from the API.
      verdicts.set(event.seq, event.client === "admin" ? HUMAN : notHuman("tool_client"));
    } else if (PAGE_LOADS.has(event.kind)) {
      const verdict = judgeRequest(event, sweeps, honeypots);
      verdicts.set(event.seq, verdict);
      lastPageLoadByLook.set(requestLook(event), verdict);
      personLoadedPage ||= verdict.human;
    } else if (POST_KINDS.has(event.kind)) {
      if (fromAnotherSite(event.signals)) {
        // Never a choice nor a confirmation; and its form id proves nothing, so it does not use one up.
        verdicts.set(event.seq, notHuman(event.client === "browser" ? "cross_site" : clientReason(event.client)));
        continue;
      }
      const nonce = event.signals.nonce;
      const replayed = nonce !== undefined && nonce !== "" && usedNonces.has(nonce);
      if (nonce) usedNonces.add(nonce);
      let verdict = judgeRequest(event, sweeps, honeypots);
      if (verdict.human && replayed) verdict = notHuman("replay");
      else if (verdict.human && event.kind !== "signal") {
        // A form is posted by the browser that loaded its page, and a form submission is a navigation
        // like that page load: the latest page load of the same look says whose page it was. A scanner
        // that submits the form it fetched is thus told apart from the person who tapped hours before.
        // No such page load at all: the post was forged or replayed from elsewhere.
        verdict = lastPageLoadByLook.get(requestLook(event)) ?? notHuman("replay");
      } else if (verdict.human && !personLoadedPage) {
        verdict = notHuman("replay"); // a beacon with no page of ours open to a person
      }
      verdicts.set(event.seq, verdict);
    }
  }
  return verdicts;
}

function judgeRequest(event: RuleEvent, sweeps: ReadonlySet<number>, honeypots: readonly RuleEvent[]): Verdict {
  if (event.client !== "browser") return notHuman(clientReason(event.client));
  if (honeypots.some((h) => sameClient(h, event) && Math.abs(h.at - event.at) <= HONEYPOT_WINDOW_MS)) return notHuman("honeypot");
  if (sweeps.has(event.seq)) return notHuman("sweep");
  // A person's browser says how the request came about; a scanner's HTTP client mostly does not.
  const browserMade = PAGE_LOADS.has(event.kind) ? event.signals.fetch_mode === "navigate" : event.signals.fetch_site === "same-origin";
  if (event.signals.cloud && !browserMade) return notHuman("cloud_network");
  if (event.signals.cloud && staleChrome(event)) return notHuman("stale_browser");
  return HUMAN;
}

/** The same client: the same network and user agent (the peer hash); unknown without one. */
const sameClient = (a: RuleEvent, b: RuleEvent) => a.signals.peer !== undefined && a.signals.peer === b.signals.peer;

function staleChrome(event: RuleEvent): boolean {
  const major = Number(event.signals.chrome);
  return Number.isInteger(major) && major > 0 && major <= expectedChromeMajor(event.at) - STALE_CHROME_MAJORS;
}

function clientReason(client: Exclude<ClientClass, "browser">): Reason {
  switch (client) {
    case "headless":
      return "headless_client";
    case "bot":
      return "bot_client";
    case "empty":
      return "empty_client";
    case "tool":
    case "admin":
      return "tool_client";
  }
}

/**
 * One scanner sweeps with one client from one network, so its requests look alike. Bursts are
 * therefore found among requests of the same look (client class, cloud network, navigation mode):
 * a person tapping from their own browser right after their mail was scanned is not drawn into
 * the scanner's burst, and no number of added bot requests can turn a person's tap into a sweep.
 */
const requestLook = (e: RuleEvent) => `${e.client}|${e.signals.cloud === true}|${e.signals.fetch_mode ?? ""}`;

/** Page loads that belong to a burst covering too many different scores to be one person's, or two different ones too fast. */
function sweepMembers(pageLoads: readonly RuleEvent[]): Set<number> {
  const byLook = Map.groupBy(pageLoads, requestLook);
  const members = new Set<number>();
  for (const group of byLook.values()) {
    const inTime = [...group].sort((a, b) => a.at - b.at || a.seq - b.seq);
    let burst: RuleEvent[] = [];
    const close = () => {
      const scores = new Set(burst.filter((e) => e.score !== null).map((e) => e.score));
      if (scores.size >= SWEEP_DISTINCT_SCORES) for (const e of burst) members.add(e.seq);
      burst = [];
    };
    for (const event of inTime) {
      const previous = burst.at(-1);
      if (previous && event.at - previous.at > SWEEP_GAP_MS) close();
      burst.push(event);
    }
    close();
  }
  // Two scores too fast for one person: from one client (the same peer, so only where it is known), as
  // prefilled links fetched side by side.
  const known = pageLoads.filter((e) => e.signals.peer !== undefined);
  for (const group of Map.groupBy(known, (e) => `${requestLook(e)}|${e.signals.peer}`).values()) {
    const scored = group.filter((e) => e.score !== null).sort((a, b) => a.at - b.at || a.seq - b.seq);
    for (const [i, event] of scored.entries()) {
      const next = scored[i + 1];
      if (next && next.score !== event.score && next.at - event.at <= RAPID_GAP_MS) members.add(event.seq).add(next.seq);
    }
  }
  return members;
}

/** The latest override by an admin wins; "auto" hands the decision back to the rule. */
function applyOverride(decision: Decision, ordered: readonly RuleEvent[]): Decision {
  const override = ordered.filter((e) => e.kind === "override" && e.client === "admin").at(-1)?.signals.override;
  if (override === "counted" || override === "excluded") return { ...decision, status: override, reason: "override" };
  return decision;
}
