/** Populations and draws shared by the seeded simulations of the statistics (test/scoring/). */

/** NPS populations from −80 to +80: shares of promoters, passives, detractors. */
export const NPS_POPULATIONS: Record<string, readonly [number, number, number]> = {
  "-80": [0.05, 0.1, 0.85],
  "-40": [0.15, 0.3, 0.55],
  "0": [0.3, 0.4, 0.3],
  "40": [0.55, 0.3, 0.15],
  "80": [0.85, 0.1, 0.05],
};

/** How many of n answers fall in each category, drawn with the given probabilities (one draw of `next` per answer). */
export function drawCounts(next: () => number, probabilities: readonly number[], n: number): number[] {
  const counts = probabilities.map(() => 0);
  for (let i = 0; i < n; i++) {
    let u = next();
    let k = 0;
    while (k < probabilities.length - 1 && u >= probabilities[k]!) u -= probabilities[k++]!;
    counts[k]!++;
  }
  return counts;
}
