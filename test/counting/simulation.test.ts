import { describe, expect, it } from "vitest";
import { decide, fromAnotherSite } from "../../functions/counting/counting-rule";
import { mulberry32 } from "../../scripts/lib/seeded-random";
import { type Decision } from "../../functions/storage/responses";
import {
  Rng,
  SCANNER_MIX,
  personInvitation,
  postsFromAnotherSite,
  scannerOnlyInvitation,
  toEvents,
  type Invitation,
} from "./simulation-world";

/*
 * Two populations of invitations, generated from a fixed seed and pushed through both modules the
 * way the routes do: headers and request.cf → requestFacts → events → decide (the world and its
 * visitors: ./simulation-world.ts; one population per visitor type, the published matrix:
 * ./simulation-matrix.test.ts).
 *
 * Measured with seed 20260302 (3,000 invitations each, one to three scanner passes; re-printed by the run):
 *   scanner-only invitations without a counted response: 99.37 % (bar: ≥ 99 %)
 *   person invitations counted with the person's final choice: 100.00 % (bar: 100 %)
 * The scanner-only residue is the kinds of scanner modelled to be indistinguishable by design:
 * a single GET of one link, browser UA, no Sec-Fetch headers, from a network not on the cloud list,
 * which is exactly what a person with an older mail client at home sends; and a detonation chamber
 * on Azure with a current browser, which is exactly what a Microsoft employee sends.
 *
 * Then every invitation again with 1–3 posts from another site's page added (forged choices, comments
 * and beacons, seed 20260412): the same rates, and the same scanner-only invitations counted.
 */

const SEED = 20260302;
/** The posts from another site are drawn from their own stream, so the populations above stay the same draws. */
const CROSS_SITE_SEED = 20260412;
const INVITATIONS = 3_000;

// ——— Run ———

interface Outcome {
  invitation: Invitation;
  decision: Decision | null;
}

const rng = new Rng(mulberry32(SEED));
const run = (invitation: Invitation): Outcome => ({ invitation, decision: decide(rng.shuffle(invitation.events)) });
const scannerOutcomes = Array.from({ length: INVITATIONS }, (_, i) => run(scannerOnlyInvitation(rng, i)));
const personOutcomes = Array.from({ length: INVITATIONS }, (_, i) => run(personInvitation(rng, INVITATIONS + i)));

// Every invitation again, with posts from another site added: they must change no outcome.
const crossSite = new Rng(mulberry32(CROSS_SITE_SEED));
const attack = (outcome: Outcome): Outcome => {
  const { invitation } = outcome;
  const requests = [...invitation.requests, ...postsFromAnotherSite(crossSite, invitation)];
  const attacked = { ...invitation, requests, events: toEvents(requests, crossSite) };
  return { invitation: attacked, decision: decide(crossSite.shuffle(attacked.events)) };
};
const attackedScanners = scannerOutcomes.map(attack);
const attackedPeople = personOutcomes.map(attack);

const scannerCounted = scannerOutcomes.filter((o) => o.decision?.status === "counted");
const personMissed = personOutcomes.filter((o) => o.decision?.status !== "counted" || o.decision.score !== o.invitation.finalScore);
const attackedScannerCounted = attackedScanners.filter((o) => o.decision?.status === "counted");
const attackedPersonMissed = attackedPeople.filter((o) => o.decision?.status !== "counted" || o.decision.score !== o.invitation.finalScore);
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(2)} %`;
const scannerRate = percent(INVITATIONS - scannerCounted.length, INVITATIONS);
const personRate = percent(INVITATIONS - personMissed.length, INVITATIONS);
const attackedScannerRate = percent(INVITATIONS - attackedScannerCounted.length, INVITATIONS);
const attackedPersonRate = percent(INVITATIONS - attackedPersonMissed.length, INVITATIONS);
const crossSitePosts = [...attackedScanners, ...attackedPeople].reduce((n, o) => n + o.invitation.events.filter((e) => fromAnotherSite(e.signals)).length, 0);

const tally = (outcomes: readonly Outcome[], key: (o: Outcome) => string) =>
  JSON.stringify(Object.fromEntries([...Map.groupBy(outcomes, key)].map(([k, group]) => [k, group.length])));

console.log(
  [
    `counting-rule simulation (seed ${SEED}, ${INVITATIONS} + ${INVITATIONS} invitations)`,
    `  scanner-only invitations with no counted response: ${scannerRate} (counted: ${tally(scannerCounted, (o) => o.invitation.profile)})`,
    `  person invitations counted with the person's final choice: ${personRate} (${personMissed.length} missed)`,
    `  scanner-only outcomes: ${tally(scannerOutcomes, (o) => (o.decision ? `${o.decision.status}:${o.decision.reason}` : "none"))}`,
    `  person outcomes: ${tally(personOutcomes, (o) => `${o.decision?.status}:${o.decision?.reason}`)}`,
    `  with ${crossSitePosts} posts from another site added (seed ${CROSS_SITE_SEED}):`,
    `    scanner-only invitations with no counted response: ${attackedScannerRate}`,
    `    person invitations counted with the person's final choice: ${attackedPersonRate} (${attackedPersonMissed.length} missed)`,
  ].join("\n"),
);

describe("simulation: scanners and people on the same links", () => {
  // One to three passes per invitation give the blind spots more chances than one pass of each type
  // (the issue's goal, ≥ 99.5 %, is held on those: simulation-matrix.test.ts).
  it(`${scannerRate} of ${INVITATIONS} scanner-only invitations end with no counted response (bar: ≥ 99 %)`, () => {
    expect(scannerCounted.length / INVITATIONS).toBeLessThanOrEqual(0.01);
  });

  it("the only scanners that get counted are the modelled blind spots (one plain GET from an unlisted network; a detonation chamber on Azure)", () => {
    const blind = (profile: string) => profile.split("+").some((kind) => kind === "unlisted_single_get" || kind === "detonation_chamber");
    expect(scannerCounted.map((o) => o.invitation.profile).filter((p) => !blind(p))).toEqual([]);
  });

  it(`${personRate} of ${INVITATIONS} person invitations end counted with the person's final choice (bar: 100 %)`, () => {
    const examples = personMissed.slice(0, 3).map((o) => ({ profile: o.invitation.profile, expected: o.invitation.finalScore, decision: o.decision }));
    expect(examples).toEqual([]);
  });

  it(`posts from another site change nothing: ${attackedScannerRate} of scanner-only invitations still count nothing, ${attackedPersonRate} of people keep their final choice`, () => {
    expect(crossSitePosts).toBeGreaterThan(INVITATIONS);
    // The same scanner-only invitations as without them, no others, are counted (the modelled blind spot).
    expect(attackedScannerCounted.map((o) => o.invitation.profile).sort()).toEqual(scannerCounted.map((o) => o.invitation.profile).sort());
    const examples = attackedPersonMissed.slice(0, 3).map((o) => ({ profile: o.invitation.profile, expected: o.invitation.finalScore, decision: o.decision }));
    expect(examples).toEqual([]);
  });

  it("covers every population the issue names", () => {
    const scannerProfiles = new Set(scannerOutcomes.flatMap((o) => o.invitation.profile.split("+")));
    expect([...scannerProfiles].sort()).toEqual(SCANNER_MIX.map(([kind]) => kind).sort());
    const personTags = new Set(personOutcomes.flatMap((o) => o.invitation.profile.split(" ")));
    for (const tag of [
      "modern_home",
      "phone",
      "js_off",
      "old_client_home",
      "corporate_vpn",
      "microsoft_employee",
      "behind:safe_links_sweep",
      "behind:headless_sandbox",
      "behind:js_sandbox",
      "behind:detonation_chamber",
      "behind:hidden_link_follower",
      "behind:mail_proxy_prefetch",
      "behind:prefilled_burst",
      "view+choose",
      "twice-in-a-row",
      "changed-by-tap",
      "changed-by-form",
      "comment",
      "post-replayed",
      "revisited",
    ]) {
      expect(personTags).toContain(tag);
    }
    expect(personOutcomes.filter((o) => o.invitation.profile.includes("behind:")).length).toBeGreaterThan(INVITATIONS / 3);
  });

  it("is reproducible: the seeded run ends in exactly the outcomes recorded here", () => {
    // Recorded from this seed. A change to the counting rule (or to the simulation) that moves any
    // invitation from one outcome to another shows here first; update the numbers only on purpose.
    const outcomes = (list: readonly Outcome[]) =>
      Object.fromEntries([...Map.groupBy(list, (o) => (o.decision ? `${o.decision.status}:${o.decision.reason}` : "none"))].map(([k, group]) => [k, group.length]));
    expect(outcomes(scannerOutcomes)).toEqual({
      "suspected:honeypot": 713,
      "suspected:bot_client": 661,
      "suspected:sweep": 582,
      "suspected:cloud_network": 366,
      "suspected:stale_browser": 199,
      none: 199,
      "suspected:headless_client": 183,
      "suspected:replay": 43,
      "suspected:tool_client": 35,
      "counted:tap": 18,
      "counted:confirmed": 1,
    });
    expect(outcomes(personOutcomes)).toEqual({ "counted:confirmed": 2430, "counted:tap": 570 });
    expect(crossSitePosts).toBe(13425);
  });
});
