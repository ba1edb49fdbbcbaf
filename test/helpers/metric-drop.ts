import type { MetricDrop } from "../../functions/webhooks/payloads";

/** A metric.drop as the weekly check reports it: the week [from, to] at 70% against 80% before. */
export function metricDrop(from: string, to: string): MetricDrop {
  return {
    from,
    to,
    unit: "percent",
    method: "cusum",
    latest: { from, to, value: 70, n: 140 },
    baseline: { from: "2025-12-01", to: "2025-12-28", value: 80, n: 560 },
    delta: -10,
    ci: [-18.2, -1.8],
    statistic: 3.1,
    threshold: 2.5,
    size: 10,
    reason: `CSAT 70% over ${from} – ${to} (140 answers) against 80% over 2025-12-01 – 2025-12-28 (560 answers): down 10 points, interval 2 to 18 points.`,
  };
}
