import type { ClientClass, EventKind, RuleEvent, Signals } from "../storage/events";
import type { Decision, Reason } from "../storage/responses";

/**
 * The counting rule: from the raw events of one invitation, which score counts, and whether it is
 * a person's choice at all. Pure and re-runnable, so history can be re-decided when the rule improves.
 *
 * Scanners fetch links; people choose. What a scanner does and a person does not:
 * - HEAD requests and prefetches (never a choice here);
 * - bot, tool, headless or empty user agents;
 * - a sweep: three or more different scores of one email fetched in one burst by one kind of client;
 * - a replay: a form POST repeated with the same one-time form id;
 * - a form POST from a page that a scanner, not a person, loaded;
 * - a form POST or beacon from another site's page (whoever's browser sent it, the choice was not made on ours);
 * - a request from a cloud or scanner network without a browser's navigation headers.
 * Everything else is a person: one tap counts at once (people without JavaScript get no second
 * step), a later tap or form choice replaces it, and the latest human choice wins.
 */


/**
 * Requests of one burst are at most this far apart. Sandboxes that run each page's JavaScript for a
 * few seconds before opening the next link still chain into one burst; a person would have to go
 * back to the email and tap two more different scores within that time to look like a sweep.
 */
export const SWEEP_GAP_MS = 30_000;
/** Distinct scores in one burst that no person taps: an email's links being checked. */
export const SWEEP_DISTINCT_SCORES = 3;

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

export function decide(events: readonly RuleEvent[]): Decision | null {
  // Time order, then arrival: a queued tap retried after a later one still counts as the earlier choice.
  const ordered = [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const choices = ordered.filter((e) => CHOICE_KINDS.has(e.kind) && e.score !== null && !e.signals.prefetch);
  if (choices.length === 0) return null;

  const verdicts = judgeAll(ordered);
  const isHuman = (e: RuleEvent) => verdicts.get(e.seq)?.human === true;
  const human = choices.filter(isHuman);
  let decision: Decision;
  if (human.length > 0) {
    // A form post or a trusted-input beacon from a person is a second, deliberate step.
    const confirmed = ordered.some(
      (e) =>
        isHuman(e) &&
        (e.kind === "choose" || e.kind === "comment" || e.kind === "ingest" || (e.kind === "signal" && e.signals.trusted_input === true)),
    );
    decision = { score: human.at(-1)!.score!, status: "counted", reason: confirmed ? "confirmed" : "tap" };
  } else {
    const last = choices.at(-1)!;
    const verdict = verdicts.get(last.seq);
    decision = { score: last.score!, status: "suspected", reason: verdict && !verdict.human ? verdict.reason : "sweep" };
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
  const ordered = [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const choices = ordered.filter((e) => CHOICE_KINDS.has(e.kind) && e.score !== null && !e.signals.prefetch);
  if (choices.length === 0) return null;
  const verdicts = judgeAll(ordered);
  return (choices.find((e) => verdicts.get(e.seq)?.human === true) ?? choices[0]!).at;
}

/** A verdict for every page load and every post of our page; HEADs, prefetches and overrides get none. */
function judgeAll(ordered: readonly RuleEvent[]): Map<number, Verdict> {
  const pageLoads = ordered.filter((e) => PAGE_LOADS.has(e.kind) && !e.signals.prefetch);
  const sweeps = sweepMembers(pageLoads);
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
      const verdict = judgeRequest(event, sweeps);
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
      let verdict = judgeRequest(event, sweeps);
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

function judgeRequest(event: RuleEvent, sweeps: ReadonlySet<number>): Verdict {
  if (event.client !== "browser") return notHuman(clientReason(event.client));
  if (sweeps.has(event.seq)) return notHuman("sweep");
  // A person's browser says how the request came about; a scanner's HTTP client mostly does not.
  const browserMade = PAGE_LOADS.has(event.kind) ? event.signals.fetch_mode === "navigate" : event.signals.fetch_site === "same-origin";
  if (event.signals.cloud && !browserMade) return notHuman("cloud_network");
  return HUMAN;
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

/** Page loads that belong to a burst covering too many different scores to be one person's. */
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
  return members;
}

/** The latest override by an admin wins; "auto" hands the decision back to the rule. */
function applyOverride(decision: Decision, ordered: readonly RuleEvent[]): Decision {
  const override = ordered.filter((e) => e.kind === "override" && e.client === "admin").at(-1)?.signals.override;
  if (override === "counted" || override === "excluded") return { ...decision, status: override, reason: "override" };
  return decision;
}
