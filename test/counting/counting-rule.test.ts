import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HONEYPOT_WINDOW_MS, SWEEP_DISTINCT_SCORES, SWEEP_GAP_MS, answerTime, decide, expectedChromeMajor, fromAnotherSite } from "../../functions/counting/counting-rule";
import { type EventKind, type RuleEvent, type ClientClass, type Signals } from "../../functions/storage/events";

/** An event before it has a place in the history; `history` numbers them in arrival order. */
type Draft = Omit<RuleEvent, "seq">;

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const SECOND = 1_000;
const MINUTE = 60 * SECOND;

const history = (...drafts: Draft[]): RuleEvent[] => drafts.map((draft, i) => ({ seq: i + 1, ...draft }));
const event = (kind: EventKind, score: number | null, at: number, client: ClientClass = "browser", signals: Signals = {}): Draft => ({
  kind,
  score,
  at,
  client,
  signals,
});

/** What a modern browser sends when a person opens a link from a mail app or webmail. */
const navigation: Signals = { fetch_mode: "navigate", fetch_site: "none", fetch_dest: "document", fetch_user: true, accept_language: true };
/** An older mail client's browser that sends no Sec-Fetch headers, from a home network. */
const oldBrowser: Signals = { accept_language: true };
/** Microsoft Defender Safe Links from AS8075: plain HTTP client, browser-like UA, no Sec-Fetch. */
const safeLinks: Signals = { cloud: true };
const formPost = (nonce: string, extra: Signals = {}): Signals => ({
  fetch_mode: "navigate",
  fetch_site: "same-origin",
  fetch_dest: "document",
  fetch_user: true,
  accept_language: true,
  nonce,
  ...extra,
});

const personTap = (score: number, at: number, signals: Signals = navigation) => event("tap", score, at, "browser", signals);
const personChoose = (score: number, at: number, nonce: string, extra: Signals = {}) => event("choose", score, at, "browser", formPost(nonce, extra));
const personComment = (score: number, at: number, nonce: string) => event("comment", score, at, "browser", formPost(nonce));
const sweep = (scores: readonly number[], start: number, stepMs: number, client: ClientClass = "browser", signals: Signals = safeLinks) =>
  scores.map((score, i) => event("tap", score, start + i * stepMs, client, signals));
const override = (value: "counted" | "excluded" | "auto", at: number) => event("override", null, at, "admin", { override: value });

const CSAT = [1, 2, 3, 4, 5];
const NPS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe("decide: nothing to count", () => {
  it("no events → null", () => {
    expect(decide([])).toBeNull();
  });

  it("only views → null", () => {
    expect(decide(history(event("view", null, T0, "browser", navigation), event("view", null, T0 + MINUTE, "browser", navigation)))).toBeNull();
  });

  it("only HEAD requests → null, whatever score they name", () => {
    expect(decide(history(event("head", null, T0, "bot"), event("head", 4, T0 + 1, "browser", navigation)))).toBeNull();
  });

  it("only prefetches → null", () => {
    expect(decide(history(personTap(5, T0, { ...navigation, prefetch: true }), personTap(3, T0 + 1, { prefetch: true })))).toBeNull();
  });

  it("only beacons and overrides → null (an override has no score to count)", () => {
    expect(decide(history(event("signal", null, T0, "browser", { trusted_input: true }), override("counted", T0 + 1)))).toBeNull();
  });

  it("a tap without a score is not a choice", () => {
    expect(decide(history(event("tap", null, T0, "browser", navigation)))).toBeNull();
  });
});

describe("decide: a person", () => {
  it("a single tap from a browser counts at once", () => {
    expect(decide(history(personTap(4, T0)))).toEqual({ score: 4, status: "counted", reason: "tap" });
  });

  it("a single tap from an old client without Sec-Fetch headers, at home, counts", () => {
    expect(decide(history(personTap(9, T0, oldBrowser)))).toEqual({ score: 9, status: "counted", reason: "tap" });
  });

  it("a double tap of the same score counts once, with that score", () => {
    expect(decide(history(personTap(5, T0), personTap(5, T0 + 400)))).toEqual({ score: 5, status: "counted", reason: "tap" });
  });

  it("a change of mind 30 s later: the latest tap counts", () => {
    expect(decide(history(personTap(2, T0), personTap(4, T0 + 30 * SECOND)))).toEqual({ score: 4, status: "counted", reason: "tap" });
  });

  it("a quick correction (two different scores two seconds apart) is not a sweep", () => {
    expect(decide(history(personTap(2, T0), personTap(3, T0 + 2 * SECOND)))).toEqual({ score: 3, status: "counted", reason: "tap" });
  });

  it("a choice on our page confirms: the form's score counts", () => {
    const events = history(personTap(3, T0), personChoose(4, T0 + 20 * SECOND, "n1"));
    expect(decide(events)).toEqual({ score: 4, status: "counted", reason: "confirmed" });
  });

  it("a page opened without a score, then a choice on it, counts", () => {
    const events = history(event("view", null, T0, "browser", navigation), personChoose(8, T0 + 15 * SECOND, "n1"));
    expect(decide(events)).toEqual({ score: 8, status: "counted", reason: "confirmed" });
  });

  it("a comment minutes later keeps the score and confirms it", () => {
    const events = history(personTap(2, T0), personComment(2, T0 + 4 * MINUTE, "n1"));
    expect(decide(events)).toEqual({ score: 2, status: "counted", reason: "confirmed" });
  });

  it("a beacon from a trusted input event confirms; an untrusted one does not", () => {
    const tap = personTap(5, T0);
    const beacon = (trusted: boolean) => event("signal", null, T0 + 5 * SECOND, "browser", { fetch_site: "same-origin", trusted_input: trusted });
    expect(decide(history(tap, beacon(true)))?.reason).toBe("confirmed");
    expect(decide(history(tap, beacon(false)))?.reason).toBe("tap");
    expect(decide(history(tap, event("signal", null, T0 + 1, "headless", { trusted_input: true })))?.reason).toBe("tap");
  });

  it("a later tap from the email after a form choice wins (the latest choice counts)", () => {
    const events = history(personTap(3, T0), personChoose(4, T0 + 20 * SECOND, "n1"), personTap(5, T0 + 2 * 60 * MINUTE));
    expect(decide(events)).toEqual({ score: 5, status: "counted", reason: "confirmed" });
  });
});

describe("decide: sweeps", () => {
  it(`${SWEEP_DISTINCT_SCORES}+ distinct scores within seconds from a plain browser UA → suspected "sweep"`, () => {
    expect(decide(history(...sweep(CSAT, T0, 400, "browser", oldBrowser)))).toEqual({ score: 5, status: "suspected", reason: "sweep" });
  });

  it("all 11 NPS links fetched in parallel at the same millisecond → suspected sweep", () => {
    expect(decide(history(...sweep(NPS, T0, 0, "browser", oldBrowser)))).toMatchObject({ status: "suspected", reason: "sweep" });
  });

  it("out-of-order arrival (seq order is not time order) is still one sweep", () => {
    const shuffledTimes = [7, 2, 10, 0, 5, 9, 1, 8, 3, 6, 4].map((score, i) => event("tap", score, T0 + ((i * 7) % 11) * 150, "browser", oldBrowser));
    expect(decide(history(...shuffledTimes))).toMatchObject({ status: "suspected", reason: "sweep" });
  });

  it("a sandbox that dwells on each page for seconds still sweeps (gap below SWEEP_GAP_MS)", () => {
    const dwell = SWEEP_GAP_MS - SECOND;
    expect(decide(history(...sweep(CSAT, T0, dwell, "browser", navigation)))).toMatchObject({ status: "suspected", reason: "sweep" });
  });

  it("a sweep also takes the score-less views of the same burst", () => {
    const events = history(event("view", null, T0, "browser", navigation), ...sweep(CSAT, T0 + 100, 200, "browser", navigation), personChoose(5, T0 + 3 * SECOND, "n1"));
    // The form post came from a page the sweep loaded: it is the scanner's, not a person's.
    expect(decide(events)).toEqual({ score: 5, status: "suspected", reason: "sweep" });
  });

  it("a person's tap 5 minutes after a sweep counts with the person's score", () => {
    const events = history(...sweep(CSAT, T0, 300, "browser", oldBrowser), personTap(2, T0 + 5 * MINUTE, oldBrowser));
    expect(decide(events)).toEqual({ score: 2, status: "counted", reason: "tap" });
  });

  it("a person tapping from their own browser seconds after a Safe Links sweep is not drawn into it", () => {
    const events = history(...sweep(NPS, T0, 100), personTap(8, T0 + 5 * SECOND));
    expect(decide(events)).toEqual({ score: 8, status: "counted", reason: "tap" });
  });

  it("a re-scan hours later is another sweep, not a person", () => {
    const events = history(...sweep(CSAT, T0, 200), ...sweep(CSAT, T0 + 6 * 60 * MINUTE, 200, "browser", oldBrowser));
    expect(decide(events)).toMatchObject({ status: "suspected", reason: "sweep" });
  });
});

describe("decide: scanner-looking requests", () => {
  it.each([
    ["bot", "bot_client"],
    ["tool", "tool_client"],
    ["headless", "headless_client"],
    ["empty", "empty_client"],
    ["admin", "tool_client"],
  ] as const)("a tap from a %s client → suspected %s", (client, reason) => {
    expect(decide(history(event("tap", 3, T0, client, navigation)))).toEqual({ score: 3, status: "suspected", reason });
  });

  it("a bot client's form post is no person's either", () => {
    expect(decide(history(event("choose", 4, T0, "bot", formPost("n1"))))).toMatchObject({ status: "suspected", reason: "bot_client" });
  });

  it('a cloud network without navigation headers → suspected "cloud_network"', () => {
    expect(decide(history(personTap(4, T0, safeLinks)))).toEqual({ score: 4, status: "suspected", reason: "cloud_network" });
  });

  it("a person browsing from a cloud network (a Microsoft employee on AS8075) with a real browser counts", () => {
    const employee: Signals = { ...navigation, cloud: true };
    expect(decide(history(personTap(9, T0, employee)))).toEqual({ score: 9, status: "counted", reason: "tap" });
    const withForm = history(personTap(9, T0, employee), personChoose(10, T0 + 30 * SECOND, "n1", { cloud: true }));
    expect(decide(withForm)).toEqual({ score: 10, status: "counted", reason: "confirmed" });
  });

  it("a form post from a cloud network that is not same-origin is not a person's", () => {
    const events = history(personTap(4, T0, { cloud: true }), event("choose", 5, T0 + SECOND, "browser", { cloud: true, nonce: "n1" }));
    expect(decide(events)).toMatchObject({ status: "suspected", reason: "cloud_network" });
  });

  it("Safe Links' time-of-click GET from AS8075, then the person's own tap 3 s later → counted", () => {
    const events = history(personTap(7, T0, safeLinks), personTap(7, T0 + 3 * SECOND));
    expect(decide(events)).toEqual({ score: 7, status: "counted", reason: "tap" });
  });

  it("the time-of-click GET alone is suspected", () => {
    expect(decide(history(personTap(7, T0, safeLinks)))).toMatchObject({ status: "suspected", reason: "cloud_network" });
  });
});

describe("decide: form replays", () => {
  it("a POST replayed 35 s later from AS8075 with an older score does not undo the person's change of mind", () => {
    const events = history(
      personTap(6, T0),
      personChoose(8, T0 + 20 * SECOND, "n1"),
      personChoose(9, T0 + 40 * SECOND, "n2"),
      // The replay copies the person's headers, Sec-Fetch-Site included; only the form id gives it away.
      event("choose", 8, T0 + 55 * SECOND, "browser", formPost("n1", { cloud: true })),
    );
    expect(decide(events)).toEqual({ score: 9, status: "counted", reason: "confirmed" });
  });

  it("a replayed comment carrying an older score is ignored too", () => {
    const events = history(
      personTap(3, T0),
      personComment(3, T0 + 2 * MINUTE, "n1"),
      personChoose(4, T0 + 3 * MINUTE, "n2"),
      event("comment", 3, T0 + 3 * MINUTE + 35 * SECOND, "browser", { cloud: true, nonce: "n1" }),
    );
    expect(decide(events)).toEqual({ score: 4, status: "counted", reason: "confirmed" });
  });

  it("a replay with nothing human around it is suspected as a replay", () => {
    const events = history(event("choose", 2, T0, "browser", formPost("n1")), event("choose", 2, T0 + 35 * SECOND, "browser", formPost("n1", { cloud: true })));
    expect(decide(events)).toEqual({ score: 2, status: "suspected", reason: "replay" });
  });

  it("a form post with no page load before it was forged or replayed from elsewhere", () => {
    expect(decide(history(personChoose(5, T0, "n1")))).toEqual({ score: 5, status: "suspected", reason: "replay" });
  });

  it("a form post from a page only a scanner loaded takes that page load's verdict", () => {
    const events = history(...sweep(CSAT, T0, 300, "browser", oldBrowser), event("choose", 2, T0 + 8 * SECOND, "browser", { accept_language: true, nonce: "n1" }));
    expect(decide(events)).toEqual({ score: 2, status: "suspected", reason: "sweep" });
  });

  it("a sandbox submitting the form hours after the person tapped does not replace the person's choice", () => {
    const sandbox: Signals = { ...navigation, cloud: true };
    const events = history(
      personTap(4, T0),
      ...sweep(CSAT, T0 + 3 * 60 * MINUTE, 4 * SECOND, "browser", sandbox),
      event("choose", 1, T0 + 3 * 60 * MINUTE + 25 * SECOND, "browser", formPost("n9", { cloud: true })),
    );
    expect(decide(events)).toEqual({ score: 4, status: "counted", reason: "tap" });
  });

  it("a person's form post still counts when a scanner of another look re-scanned in between", () => {
    const events = history(personTap(4, T0), ...sweep(CSAT, T0 + MINUTE, 200), personComment(5, T0 + 2 * MINUTE, "n1"));
    expect(decide(events)).toEqual({ score: 5, status: "counted", reason: "confirmed" });
  });
});

describe("decide: posts from another site", () => {
  /** Another site's page posting our form from the person's own browser: everything else is the person's. */
  const crossSite = (nonce: string, extra: Signals = {}): Signals => ({ ...formPost(nonce), fetch_site: "cross-site", origin_mismatch: true, ...extra });
  const forged = (kind: "choose" | "comment", score: number, at: number, signals: Signals = crossSite("x1")) => event(kind, score, at, "browser", signals);

  it("tells them by Sec-Fetch-Site (cross-site, same-site) or, without it, by the Origin", () => {
    expect(fromAnotherSite({ fetch_site: "cross-site" })).toBe(true);
    expect(fromAnotherSite({ fetch_site: "same-site" })).toBe(true);
    expect(fromAnotherSite({ origin_mismatch: true })).toBe(true);
    expect(fromAnotherSite({ fetch_site: "same-origin" })).toBe(false);
    expect(fromAnotherSite({ fetch_site: "none" })).toBe(false);
    expect(fromAnotherSite({})).toBe(false);
  });

  it("a forged choice and comment do not replace the person's counted choice", () => {
    const person = [personTap(5, T0), personComment(5, T0 + MINUTE, "n1")];
    expect(decide(history(...person))).toEqual({ score: 5, status: "counted", reason: "confirmed" });
    expect(decide(history(...person, forged("comment", 1, T0 + 2 * MINUTE)))).toEqual({ score: 5, status: "counted", reason: "confirmed" });
    expect(decide(history(...person, forged("choose", 1, T0 + 2 * MINUTE, { ...crossSite("x2"), fetch_site: "same-site" })))).toEqual({
      score: 5,
      status: "counted",
      reason: "confirmed",
    });
  });

  it("an old browser's forged post, told by its Origin alone, does not either", () => {
    const events = history(personTap(4, T0, oldBrowser), forged("choose", 1, T0 + MINUTE, { ...oldBrowser, nonce: "x1", origin_mismatch: true }));
    expect(decide(events)).toEqual({ score: 4, status: "counted", reason: "tap" });
  });

  it("a forged post does not confirm a lone tap, nor does another site's beacon", () => {
    const tap = personTap(3, T0);
    expect(decide(history(tap, forged("choose", 3, T0 + MINUTE)))).toEqual({ score: 3, status: "counted", reason: "tap" });
    const beacon = event("signal", null, T0 + 5 * SECOND, "browser", { fetch_site: "cross-site", fetch_mode: "no-cors", trusted_input: true });
    expect(decide(history(tap, beacon))).toEqual({ score: 3, status: "counted", reason: "tap" });
  });

  it("the person's later post still counts after a forged one, even one that named the person's form id", () => {
    const events = history(personTap(5, T0), forged("choose", 1, T0 + MINUTE, crossSite("n1")), personChoose(2, T0 + 2 * MINUTE, "n1"));
    expect(decide(events)).toEqual({ score: 2, status: "counted", reason: "confirmed" });
  });

  it("forged posts alone are suspected as cross_site; a bot's keeps its client's reason", () => {
    expect(decide(history(forged("choose", 2, T0)))).toEqual({ score: 2, status: "suspected", reason: "cross_site" });
    expect(decide(history(event("comment", 2, T0, "bot", crossSite("x1"))))).toEqual({ score: 2, status: "suspected", reason: "bot_client" });
  });
});

describe("decide: overrides", () => {
  const person = [personTap(4, T0)];
  const scanner = sweep(CSAT, T0, 100);
  const orders: (readonly ("counted" | "excluded" | "auto")[])[] = [
    ["counted", "excluded", "auto"],
    ["counted", "auto", "excluded"],
    ["excluded", "counted", "auto"],
    ["excluded", "auto", "counted"],
    ["auto", "counted", "excluded"],
    ["auto", "excluded", "counted"],
    ["counted"],
    ["excluded"],
    ["auto"],
  ];

  it.each(orders)("overrides %s, %s, %s: the last one decides", (...values) => {
    const overrides = values.map((value, i) => override(value, T0 + (i + 1) * MINUTE));
    const last = values.at(-1);
    const forPerson = decide(history(...person, ...overrides));
    const forScanner = decide(history(...scanner, ...overrides));
    if (last === "auto") {
      expect(forPerson).toEqual({ score: 4, status: "counted", reason: "tap" });
      expect(forScanner).toEqual({ score: 5, status: "suspected", reason: "sweep" });
    } else {
      expect(forPerson).toEqual({ score: 4, status: last, reason: "override" });
      expect(forScanner).toEqual({ score: 5, status: last, reason: "override" });
    }
  });

  it("an override keeps holding when later events arrive; the rule still picks the score", () => {
    const events = history(personTap(4, T0), override("excluded", T0 + MINUTE), personTap(2, T0 + 2 * MINUTE));
    expect(decide(events)).toEqual({ score: 2, status: "excluded", reason: "override" });
  });

  it("an override event not made by an admin is ignored", () => {
    const forged = event("override", null, T0 + MINUTE, "browser", { override: "counted" });
    expect(decide(history(...scanner, forged))).toMatchObject({ status: "suspected", reason: "sweep" });
  });
});

describe("decide: prefetches never count", () => {
  it("prefetched score links next to a person's tap are ignored", () => {
    const prefetches = CSAT.map((score, i) => personTap(score, T0 + i, { ...navigation, prefetch: true }));
    expect(decide(history(...prefetches, personTap(3, T0 + 10 * MINUTE)))).toEqual({ score: 3, status: "counted", reason: "tap" });
  });

  it("a browser prefetch of one link, without a visit, is no answer", () => {
    expect(decide(history(personTap(5, T0, { ...navigation, prefetch: true })))).toBeNull();
  });
});

// ——— Properties ———

const RUNS = { numRuns: 300 };
const scoreArb = fc.integer({ min: 0, max: 10 });
const timeArb = fc.integer({ min: T0, max: T0 + 24 * 60 * MINUTE });

const signalsArb: fc.Arbitrary<Signals> = fc.record(
  {
    prefetch: fc.boolean(),
    fetch_mode: fc.constantFrom("navigate", "no-cors", "cors"),
    fetch_site: fc.constantFrom("none", "same-origin", "cross-site"),
    fetch_user: fc.boolean(),
    accept_language: fc.boolean(),
    cloud: fc.boolean(),
    nonce: fc.constantFrom("n1", "n2", "n3", "n4"),
    trusted_input: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** Any event at all, from any client: the rule must be a function of the set of events. */
const anyDraftArb: fc.Arbitrary<Draft> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<EventKind>("view", "tap", "head", "choose", "comment", "signal"),
    score: fc.option(scoreArb, { nil: null }),
    at: timeArb,
    client: fc.constantFrom<ClientClass>("browser", "browser", "browser", "headless", "bot", "tool", "empty"),
    signals: signalsArb,
  }),
  fc.record({
    kind: fc.constant<EventKind>("override"),
    score: fc.constant(null),
    at: timeArb,
    client: fc.constant<ClientClass>("admin"),
    signals: fc.record({ override: fc.constantFrom("counted", "excluded", "auto") as fc.Arbitrary<"counted" | "excluded" | "auto"> }),
  }),
);

/** A person's history: taps from one browser, form choices and comments with fresh form ids, in time order. */
const personDraftsArb: fc.Arbitrary<Draft[]> = fc
  .tuple(
    fc.constantFrom(navigation, oldBrowser, { ...navigation, cloud: true }),
    scoreArb,
    fc.array(fc.tuple(fc.constantFrom("tap", "choose", "comment") as fc.Arbitrary<"tap" | "choose" | "comment">, scoreArb, fc.integer({ min: SECOND, max: 90 * MINUTE })), {
      maxLength: 4,
    }),
    timeArb,
  )
  .map(([browser, firstScore, steps, start]) => {
    const drafts: Draft[] = [personTap(firstScore, start, browser)];
    let at = start;
    steps.forEach(([kind, score, wait], i) => {
      // Going back to the email to tap another score takes a person longer than a scanner's burst.
      at += kind === "tap" ? Math.max(wait, SWEEP_GAP_MS + SECOND) : wait;
      if (kind === "tap") drafts.push(personTap(score, at, browser));
      else {
        // The same browser posts the form: with Sec-Fetch headers if it sent them for the page.
        const nonce = `person-${i}`;
        const signals = browser.fetch_mode ? formPost(nonce, browser.cloud ? { cloud: true } : {}) : { ...browser, nonce };
        drafts.push(event(kind, score, at, "browser", signals));
      }
    });
    return drafts;
  });

/** What scanners add: bot-UA requests of any kind, HEADs from anyone, prefetches from anyone. */
const scannerDraftArb: fc.Arbitrary<Draft> = fc.oneof(
  fc.record({
    kind: fc.constantFrom<EventKind>("view", "tap", "choose", "comment", "signal"),
    score: fc.option(scoreArb, { nil: null }),
    at: timeArb,
    client: fc.constantFrom<ClientClass>("bot", "headless", "tool", "empty"),
    signals: signalsArb.map((s): Signals => ({ ...s, ...(s.nonce ? { nonce: `scanner-${s.nonce}` } : {}) })),
  }),
  fc.record({
    kind: fc.constant<EventKind>("head"),
    score: fc.option(scoreArb, { nil: null }),
    at: timeArb,
    client: fc.constantFrom<ClientClass>("browser", "bot", "tool", "headless", "empty"),
    signals: signalsArb,
  }),
  fc.record({
    kind: fc.constantFrom<EventKind>("view", "tap"),
    score: fc.option(scoreArb, { nil: null }),
    at: timeArb,
    client: fc.constantFrom<ClientClass>("browser", "bot", "tool", "headless", "empty"),
    signals: signalsArb.map((s): Signals => ({ ...s, prefetch: true })),
  }),
);

/** Interleaves `extra` into `base` at the given positions, keeping each list's own order, and numbers the result. */
function interleave(base: readonly Draft[], extra: readonly Draft[], picks: readonly boolean[]): RuleEvent[] {
  const merged: Draft[] = [];
  let b = 0;
  let x = 0;
  for (const takeExtra of picks) {
    if (takeExtra && x < extra.length) merged.push(extra[x++]!);
    else if (b < base.length) merged.push(base[b++]!);
  }
  merged.push(...base.slice(b), ...extra.slice(x));
  return history(...merged);
}

describe("decide: properties", () => {
  it("is a function of the events, not of the array order (it sorts by seq)", () => {
    fc.assert(
      fc.property(
        fc.array(anyDraftArb, { maxLength: 25 }).chain((drafts) => {
          const events = history(...drafts);
          return fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }));
        }),
        ([events, shuffled]) => {
          expect(decide(shuffled)).toEqual(decide(events));
        },
      ),
      RUNS,
    );
  });

  it("a person's counted decision is the person's latest choice, and scanner events added anywhere never change it", () => {
    fc.assert(
      fc.property(personDraftsArb, fc.array(scannerDraftArb, { maxLength: 20 }), fc.array(fc.boolean(), { maxLength: 45 }), (person, scanner, picks) => {
        const alone = decide(history(...person));
        expect(alone).toMatchObject({ status: "counted", score: person.at(-1)!.score });
        expect(decide(interleave(person, scanner, picks))).toEqual(alone);
      }),
      RUNS,
    );
  });

  it("a counted decision of any history keeps its score when scanner events are added", () => {
    fc.assert(
      fc.property(
        fc.array(anyDraftArb.filter((d) => d.kind !== "override"), { maxLength: 15 }),
        fc.array(scannerDraftArb, { maxLength: 20 }),
        fc.array(fc.boolean(), { maxLength: 35 }),
        (base, scanner, picks) => {
          const alone = decide(history(...base));
          fc.pre(alone?.status === "counted");
          expect(decide(interleave(base, scanner, picks))).toEqual(alone);
        },
      ),
      RUNS,
    );
  });

  it("posts from another site added anywhere never change a person's decision", () => {
    const foreignArb: fc.Arbitrary<Draft> = fc.record({
      kind: fc.constantFrom<EventKind>("choose", "comment", "signal"),
      score: fc.option(scoreArb, { nil: null }),
      at: timeArb,
      client: fc.constant<ClientClass>("browser"),
      signals: fc.tuple(signalsArb, fc.constantFrom("cross-site", "same-site", "origin")).map(([signals, how]): Signals => {
        const { fetch_site: _site, nonce, ...rest } = signals;
        return {
          ...rest,
          // Told by Sec-Fetch-Site, or by the Origin of a browser that sends no Sec-Fetch-Site.
          ...(how === "origin" ? { origin_mismatch: true } : { fetch_site: how }),
          // Any form id, the person's own among them: another site can copy one.
          ...(nonce ? { nonce: `person-${nonce.slice(1)}` } : {}),
        };
      }),
    });
    fc.assert(
      fc.property(personDraftsArb, fc.array(foreignArb, { maxLength: 10 }), fc.array(fc.boolean(), { maxLength: 25 }), (person, foreign, picks) => {
        expect(decide(interleave(person, foreign, picks))).toEqual(decide(history(...person)));
      }),
      RUNS,
    );
  });

  it("requests from non-browser clients, HEADs and prefetches alone never count", () => {
    fc.assert(
      fc.property(fc.array(scannerDraftArb, { maxLength: 30 }), (drafts) => {
        expect(decide(history(...drafts))?.status).not.toBe("counted");
      }),
      RUNS,
    );
  });
});

describe("choices that arrive out of order", () => {
  it("count the latest in time, not the last to arrive (a queued tap retried after a newer one)", () => {
    expect(decide(history(personTap(5, T0 + 10 * MINUTE), personTap(2, T0)))).toMatchObject({ score: 5, status: "counted" });
  });
});

// ——— Scanners that look like browsers (issue 17) ———

/** A person's phone, laptop; scanners' clients. `agent` is the device (UA hash), `peer` the client (network + UA). */
const phone: Signals = { ...navigation, agent: "a0000001", peer: "1111", chrome: "145" };
const laptop: Signals = { ...navigation, agent: "a0000002", peer: "2222", chrome: "145" };
const elsewhere: Signals = { ...navigation, agent: "b0000001", peer: "3333", chrome: "145" };
const beacon = (signals: Signals): Signals => ({ ...signals, fetch_mode: "no-cors", fetch_site: "same-origin", fetch_dest: "empty", trusted_input: true });
const honeypot = (at: number, signals: Signals) => event("honeypot", null, at, "browser", signals);
const HOUR = 60 * MINUTE;

describe("Chrome's schedule", () => {
  it("gives the newest major at a time: 100 on its release day, one more every 31 days", () => {
    expect(expectedChromeMajor(Date.UTC(2022, 2, 29))).toBe(100);
    expect(expectedChromeMajor(Date.UTC(2022, 2, 29) + 31 * 86_400_000)).toBe(101);
    expect(expectedChromeMajor(Date.UTC(2022, 2, 29) + 31 * 86_400_000 - 1)).toBe(100);
    // 2022-03-29 to 2026-03-02 is 1,434 days: 46 cycles.
    expect(expectedChromeMajor(T0)).toBe(146);
  });
});

describe("a JavaScript sandbox with an outdated Chrome from a cloud network (Safe Links' detonation)", () => {
  const sandbox: Signals = { ...navigation, cloud: true, agent: "c0000001", peer: "4444", chrome: "120" };

  it("is never counted: not its page load, nor its beacon after trusted input, nor the forms it submits", () => {
    const events = history(
      event("tap", 5, T0, "browser", sandbox),
      event("signal", null, T0 + 800, "browser", beacon(sandbox)),
      event("choose", 1, T0 + 2 * SECOND, "browser", { ...formPost("n1"), cloud: true, agent: "c0000001", peer: "4444", chrome: "120" }),
      event("comment", 5, T0 + 3 * SECOND, "browser", { ...formPost("n2"), cloud: true, agent: "c0000001", peer: "4444", chrome: "120" }),
    );
    expect(decide(events)).toEqual({ score: 5, status: "suspected", reason: "stale_browser" });
  });

  it("a Chrome eight versions behind is stale there; seven behind is not; an old phone at home still counts", () => {
    expect(decide(history(event("tap", 3, T0, "browser", { ...sandbox, chrome: "138" })))).toMatchObject({ status: "suspected", reason: "stale_browser" });
    expect(decide(history(event("tap", 3, T0, "browser", { ...sandbox, chrome: "139" })))).toMatchObject({ status: "counted" });
    expect(decide(history(event("tap", 3, T0, "browser", { ...phone, chrome: "64" })))).toMatchObject({ status: "counted" });
  });

  it("does not touch a person's choice made around it", () => {
    const events = history(event("tap", 1, T0, "browser", sandbox), personTap(4, T0 + 5 * MINUTE, phone), event("tap", 2, T0 + 6 * MINUTE, "browser", sandbox));
    expect(decide(events)).toEqual({ score: 4, status: "counted", reason: "tap" });
  });
});

describe("the honeypot link", () => {
  it("makes every request of its client within the window a scanner's", () => {
    const events = history(personTap(2, T0, elsewhere), honeypot(T0 + 5 * SECOND, elsewhere));
    expect(decide(events)).toEqual({ score: 2, status: "suspected", reason: "honeypot" });
    const before = history(honeypot(T0, elsewhere), personTap(2, T0 + HONEYPOT_WINDOW_MS));
    expect(decide(before.map((e) => (e.kind === "tap" ? { ...e, signals: elsewhere } : e)))).toMatchObject({ status: "suspected", reason: "honeypot" });
  });

  it("leaves requests outside the window, of another client, or without a peer alone", () => {
    expect(decide(history(personTap(2, T0, elsewhere), honeypot(T0 + HONEYPOT_WINDOW_MS + 1, elsewhere)))).toMatchObject({ status: "counted" });
    expect(decide(history(personTap(2, T0, phone), honeypot(T0 + SECOND, elsewhere)))).toMatchObject({ status: "counted" });
    expect(decide(history(personTap(2, T0, navigation), honeypot(T0 + SECOND, navigation)))).toMatchObject({ status: "counted" });
  });

  it("is never a choice: alone it decides nothing", () => {
    expect(decide(history(honeypot(T0, elsewhere)))).toBeNull();
  });
});

describe("several different ratings within one second", () => {
  it("from one client are links fetched, not chosen; the same score twice is a double tap", () => {
    expect(decide(history(personTap(2, T0, elsewhere), personTap(5, T0 + 600, elsewhere)))).toMatchObject({ status: "suspected", reason: "sweep" });
    expect(decide(history(personTap(2, T0, elsewhere), personTap(2, T0 + 600, elsewhere)))).toEqual({ score: 2, status: "counted", reason: "tap" });
    expect(decide(history(personTap(2, T0, elsewhere), personTap(5, T0 + 1_001, elsewhere)))).toEqual({ score: 5, status: "counted", reason: "tap" });
  });

  it("need a known client: without the peer (events stored before it, local requests) two scores are not a sweep", () => {
    expect(decide(history(personTap(2, T0), personTap(5, T0 + 600)))).toEqual({ score: 5, status: "counted", reason: "tap" });
    expect(decide(history(personTap(2, T0, elsewhere), personTap(5, T0 + 600, { ...elsewhere, peer: "8888" })))).toEqual({ score: 5, status: "counted", reason: "tap" });
  });
});

describe("a detonation chamber: one link from a network of machines only, browser headers, no input after", () => {
  const chamber: Signals = { ...navigation, cloud: true, hosting: true, agent: "d0000001", peer: "5555", chrome: "145" };

  it("is suspected", () => {
    expect(decide(history(event("tap", 4, T0, "browser", chamber)))).toEqual({ score: 4, status: "suspected", reason: "cloud_network" });
  });

  it("counts when that client shows a person (a VPN leaving from a cloud), not when another one does", () => {
    expect(decide(history(event("tap", 4, T0, "browser", chamber), event("signal", null, T0 + 3 * SECOND, "browser", beacon(chamber))))).toEqual({
      score: 4,
      status: "counted",
      reason: "confirmed",
    });
    expect(decide(history(event("tap", 4, T0, "browser", chamber), event("signal", null, T0 + 3 * SECOND, "browser", beacon(phone))))).toMatchObject({
      status: "suspected",
    });
  });

  it("before a person's tap, leaves it counted and its time the answer's", () => {
    const events = history(event("tap", 1, T0, "browser", chamber), personTap(5, T0 + HOUR, phone));
    expect(decide(events)).toEqual({ score: 5, status: "counted", reason: "tap" });
    expect(answerTime(events)).toBe(T0 + HOUR);
  });
});

describe("a scanner's re-visit after a person's tap, from another device", () => {
  it("12 s or hours later, with a browser's headers, replaces nothing", () => {
    for (const later of [12 * SECOND, 3 * HOUR]) {
      const events = history(personTap(4, T0, phone), personTap(1, T0 + later, elsewhere));
      expect(decide(events), `${later} ms`).toEqual({ score: 4, status: "counted", reason: "tap" });
      expect(answerTime(events)).toBe(T0);
    }
  });

  it("replaces nothing after a person who opened the page without a score and chose on it", () => {
    const events = history(event("view", null, T0, "browser", phone), personTap(2, T0 + 10 * SECOND, elsewhere), personChoose(5, T0 + 30 * SECOND, "n1", { agent: "a0000001", peer: "1111" }));
    expect(decide(events)).toEqual({ score: 5, status: "counted", reason: "confirmed" });
    expect(decide([...events, { seq: 4, ...personTap(2, T0 + HOUR, elsewhere) }])).toEqual({ score: 5, status: "counted", reason: "confirmed" });
  });

  it("with the person's own browser but from a cloud network, replaces nothing either", () => {
    const events = history(personTap(4, T0, phone), personTap(1, T0 + MINUTE, { ...phone, cloud: true, peer: "6666" }));
    expect(decide(events)).toMatchObject({ score: 4, status: "counted" });
  });

  it("the person's own change of mind minutes later counts, from another address of the carrier too", () => {
    expect(decide(history(personTap(4, T0, phone), personTap(1, T0 + 7 * MINUTE, { ...phone, peer: "7777" })))).toEqual({ score: 1, status: "counted", reason: "tap" });
  });

  it("another device of theirs counts once it shows a person", () => {
    const events = history(personTap(4, T0, phone), personTap(1, T0 + HOUR, laptop), event("signal", null, T0 + HOUR + 5 * SECOND, "browser", beacon(laptop)));
    expect(decide(events)).toEqual({ score: 1, status: "counted", reason: "confirmed" });
    expect(decide(events.slice(0, 2))).toEqual({ score: 4, status: "counted", reason: "tap" });
  });

  it("events stored before devices were kept are judged as before: the latest counts", () => {
    expect(decide(history(personTap(4, T0), personTap(1, T0 + 12 * SECOND)))).toEqual({ score: 1, status: "counted", reason: "tap" });
  });
});
