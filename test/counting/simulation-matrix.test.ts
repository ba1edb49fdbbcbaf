import { describe, expect, it } from "vitest";
import doc from "../../docs/counting-rule.md?raw";
import { decide } from "../../functions/counting/counting-rule";
import type { Decision } from "../../functions/storage/responses";
import { mulberry32 } from "../../scripts/lib/seeded-random";
import {
  DEVICE_MIX,
  Rng,
  SCANNER_MIX,
  personInvitation,
  singleScannerInvitation,
  type DeviceKind,
  type Invitation,
  type ScannerKind,
  type SimEvent,
} from "./simulation-world";

/*
 * The confusion matrix published in docs/counting-rule.md: one population per visitor type, sized by
 * how often it occurs (SCANNER_MIX, DEVICE_MIX), every invitation decided by the counting rule. For
 * people it also replays the invitation in time order, deciding after every request:
 * - replaced: a scanner's request turned a decision that counted the person's latest choice into one
 *   that does not;
 * - delayed: a person's choice was not the counted decision one cron tick after it was made.
 * The doc's section between the markers must equal the table this run renders, so it cannot drift.
 */

const SEED = 20261202;
const SCANNER_INVITATIONS = 6_000;
const PEOPLE_INVITATIONS = 6_000;
/** The cron runs every minute (wrangler.toml); a decision that waits longer is late. */
const CRON_TICK_MS = 60_000;

const SCANNER_LABELS: Record<ScannerKind, string> = {
  safe_links_sweep: "Safe Links sweep: every link within seconds from AS8075, no Sec-Fetch",
  gateway_all_links: "Mimecast / Proofpoint / Barracuda: every link",
  gateway_one_link: "Mimecast / Proofpoint / Barracuda: one link",
  head_checker: "HEAD checker",
  prefetcher: "browser prefetch (Purpose / Sec-Purpose)",
  headless_sandbox: "headless Chrome sandbox, every link",
  link_expander: "chat link expander (Slack, Teams, WhatsApp…)",
  rescan_hours_later: "a sweep or sandbox again hours later",
  post_replayer: "form POST replayed from AS8075",
  outlook_link_check: "Outlook desktop link check (Office UA)",
  unlisted_single_get: "one plain GET from an unlisted network (blind spot)",
  js_sandbox: "JavaScript sandbox (Safe Links style): outdated Chrome, runs JS, beacon, submits forms",
  detonation_chamber: "detonation chamber: one link, current browser, cloud network, no input",
  hidden_link_follower: "crawler pacing past the sweep gap, following every href",
  mail_proxy_prefetch: "Apple Mail Privacy Protection and other mail proxies",
  prefilled_burst: "several different ratings within one second",
};

const DEVICE_LABELS: Record<DeviceKind, string> = {
  modern_home: "desktop browser at home",
  phone: "phone on a mobile carrier (address may change between taps)",
  js_off: "JavaScript off",
  old_client_home: "older mail client without Sec-Fetch headers",
  corporate_vpn: "corporate VPN (Zscaler, Netskope, WARP)",
  microsoft_employee: "Microsoft employee on AS8075 behind Safe Links",
};

interface ScannerRow {
  n: number;
  counted: number;
  suspected: number;
  none: number;
}

interface PersonResult {
  invitation: Invitation;
  final: boolean;
  replaced: boolean;
  delayed: boolean;
}

const rng = new Rng(mulberry32(SEED));
const sizes = <K,>(mix: readonly (readonly [K, number])[], total: number) => {
  const sum = mix.reduce((s, [, w]) => s + w, 0);
  return mix.map(([kind, w]) => [kind, Math.max(1, Math.round((total * w) / sum))] as const);
};

const counts = (decision: Decision | null): keyof Omit<ScannerRow, "n"> => (decision === null ? "none" : decision.status === "counted" ? "counted" : "suspected");

let nextId = 0;
const scannerRows = sizes(SCANNER_MIX, SCANNER_INVITATIONS).map(([kind, n]) => {
  const row: ScannerRow = { n, counted: 0, suspected: 0, none: 0 };
  for (let i = 0; i < n; i++) row[counts(decide(rng.shuffle(singleScannerInvitation(rng, nextId++, kind).events)))]++;
  return [kind, row] as const;
});

const counting = (decision: Decision | null, score: number | undefined) => decision?.status === "counted" && decision.score === score;

function replay(invitation: Invitation): PersonResult {
  const events: SimEvent[] = [...invitation.events].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const choices = events.filter((e) => e.person && e.score !== null && (e.kind === "tap" || e.kind === "choose" || e.kind === "comment"));
  const personScoreAt = (time: number) => choices.filter((c) => c.at <= time).at(-1)?.score ?? undefined;
  let replaced = false;
  for (const [i, event] of events.entries()) {
    const score = personScoreAt(event.at);
    if (event.person || score === undefined) continue;
    if (counting(decide(events.slice(0, i)), score) && !counting(decide(events.slice(0, i + 1)), score)) replaced = true;
  }
  const delayed = choices.some((choice) => {
    const tick = choice.at + CRON_TICK_MS;
    return !counting(decide(events.filter((e) => e.at <= tick)), personScoreAt(tick));
  });
  return { invitation, final: counting(decide(rng.shuffle(invitation.events)), invitation.finalScore), replaced, delayed };
}

const people = sizes(DEVICE_MIX, PEOPLE_INVITATIONS).flatMap(([kind, n]) => Array.from({ length: n }, () => replay(personInvitation(rng, nextId++, kind))));

// ——— The table ———

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;
const cell = (part: number, whole: number) => `${part} (${pct(part, whole)})`;
const scannerLine = (label: string, row: ScannerRow) => `| ${label} | ${row.n} | ${cell(row.counted, row.n)} | ${cell(row.suspected, row.n)} | ${cell(row.none, row.n)} |`;
const personLine = (label: string, group: readonly PersonResult[]) => {
  const n = group.length;
  return `| ${label} | ${n} | ${cell(group.filter((p) => p.final).length, n)} | ${cell(group.filter((p) => p.replaced).length, n)} | ${cell(group.filter((p) => p.delayed).length, n)} |`;
};

const scannerTotal = scannerRows.reduce<ScannerRow>(
  (sum, [, row]) => ({ n: sum.n + row.n, counted: sum.counted + row.counted, suspected: sum.suspected + row.suspected, none: sum.none + row.none }),
  { n: 0, counted: 0, suspected: 0, none: 0 },
);
const tagged = (tag: string) => people.filter((p) => p.invitation.profile.split(" ").includes(tag));
const untouched = people.filter((p) => !/behind:|revisited/.test(p.invitation.profile));
const scannersMet = SCANNER_MIX.map(([kind]) => kind).filter((kind) => tagged(`behind:${kind}`).length > 0);
const hurt = people.filter((p) => p.replaced || p.delayed).length;
const uncounted = scannerTotal.suspected + scannerTotal.none;
const peopleFinal = people.filter((p) => p.final).length;

const PERSON_HEADER = "n | counted with the final choice | replaced by a scanner | delayed past the next cron tick |\n| --- | ---: | ---: | ---: | ---: |";
const table = [
  `Seed ${SEED}: ${scannerTotal.n} scanner-only invitations and ${people.length} people's, each type as often as in the mix.`,
  "",
  "| scanner-only invitations | n | counted | suspected | nothing recorded |",
  "| --- | ---: | ---: | ---: | ---: |",
  ...scannerRows.map(([kind, row]) => scannerLine(SCANNER_LABELS[kind], row)),
  scannerLine("**all scanner-only invitations**", scannerTotal),
  "",
  `| person | ${PERSON_HEADER}`,
  ...DEVICE_MIX.map(([kind]) => personLine(DEVICE_LABELS[kind], tagged(kind))),
  personLine("**all people**", people),
  "",
  `| people who met | ${PERSON_HEADER}`,
  personLine("no scanner", untouched),
  ...scannersMet.map((kind) => personLine(`${SCANNER_LABELS[kind]}, before them`, tagged(`behind:${kind}`))),
  personLine("a scanner's re-visit after their tap, from another client, network and device", tagged("revisited")),
  ...["twice-in-a-row", "changed-by-tap", "changed-by-form", "comment"].map((tag) => personLine(`(who ${tag.replaceAll("-", " ")})`, tagged(tag))),
  "",
  `Goal: ≥ 99.5 % of scanner-only invitations uncounted: **${pct(uncounted, scannerTotal.n)}**; 100 % of people counted with their final choice: **${pct(peopleFinal, people.length)}**; ≤ 0.5 % of people's choices replaced or delayed by a scanner: **${pct(hurt, people.length)}**.`,
].join("\n");

const START = "<!-- matrix:start (test/counting/simulation-matrix.test.ts renders this; it fails when they differ) -->";
const END = "<!-- matrix:end -->";
const published = doc.includes(START) && doc.includes(END) ? doc.slice(doc.indexOf(START) + START.length, doc.indexOf(END)).trim() : null;
if (published !== table) console.log(`docs/counting-rule.md's matrix should read:\n${START}\n${table}\n${END}`);

describe("the confusion matrix per scanner and person type", () => {
  it(`scanner-only invitations uncounted: ${pct(uncounted, scannerTotal.n)} (goal ≥ 99.5 %)`, () => {
    expect(uncounted / scannerTotal.n).toBeGreaterThanOrEqual(0.995);
  });

  it(`people counted with their final choice: ${pct(peopleFinal, people.length)} (goal 100 %)`, () => {
    const missed = people.filter((p) => !p.final).slice(0, 3).map((p) => p.invitation.profile);
    expect(missed).toEqual([]);
  });

  it(`people's choices replaced or delayed by a scanner: ${pct(hurt, people.length)} (goal ≤ 0.5 %)`, () => {
    expect(hurt / people.length).toBeLessThanOrEqual(0.005);
  });

  it("every new scanner type is never counted, but for the Azure detonation blind spot", () => {
    const row = (kind: ScannerKind) => scannerRows.find(([k]) => k === kind)![1];
    for (const kind of ["js_sandbox", "hidden_link_follower", "mail_proxy_prefetch", "prefilled_burst"] as const) expect(row(kind).counted, kind).toBe(0);
    expect(row("detonation_chamber").counted / row("detonation_chamber").n).toBeLessThan(0.05);
  });

  it("no person's choice is replaced by a scanner's re-visit", () => {
    expect(tagged("revisited").filter((p) => p.replaced || !p.final).map((p) => p.invitation.profile)).toEqual([]);
  });

  it("docs/counting-rule.md publishes exactly this run's matrix", () => {
    expect(published).toBe(table);
  });
});
