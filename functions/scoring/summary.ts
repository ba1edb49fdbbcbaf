/**
 * Everything a report or the API shows about one histogram: the headline with its n and 95% interval,
 * the mean and spread, the distribution, the metric's "good answer" share, the NPS split and the 0–100
 * index used to compare across scales. Percentages and NPS are in percentage points, unrounded.
 */
import {
  countAtLeast,
  countBetween,
  histogramMean,
  histogramN,
  histogramSd,
  type Histogram,
} from "./histogram";
import { meanInterval, npsInterval, wilsonInterval, type Interval } from "./intervals";
import type { Headline, Metric, Scale } from "./metrics";

/** Below this many answers a number is flagged as low confidence. */
export const LOW_CONFIDENCE_N = 30;

export const NPS_PROMOTER_MIN = 9;
export const NPS_DETRACTOR_MAX = 6;

/** The survey settings that decide how a histogram is scored. */
export interface ScoringConfig {
  metric: Metric;
  scale: Scale;
  satisfied_min: number;
  headline: Headline;
}

export type HeadlineUnit = "percent" | "nps" | "mean";

export interface HeadlineResult {
  metric: Metric;
  value: number | null;
  ci: Interval | null;
  n: number;
  low_confidence: boolean;
  unit: HeadlineUnit;
}

/** What a "good" answer is called per metric: % satisfied, % promoters, % low effort, % likely. */
export type GoodLabel = "satisfied" | "promoters" | "low_effort" | "likely";

export const GOOD_LABEL: Record<Metric, GoodLabel> = {
  csat: "satisfied",
  rating: "satisfied",
  nps: "promoters",
  ces: "low_effort",
  intent: "likely",
};

export interface Share {
  count: number;
  percent: number | null;
  ci: Interval | null;
}

export interface GoodShare extends Share {
  label: GoodLabel;
  /** The lowest score counted as good. */
  min: number;
}

export interface NpsSplit {
  promoters: Share;
  passives: Share;
  detractors: Share;
}

export interface DistributionBin {
  score: number;
  count: number;
  percent: number | null;
}

export interface IndexValue {
  value: number | null;
  ci: Interval | null;
}

export interface Summary {
  metric: Metric;
  scale: Scale;
  n: number;
  low_confidence: boolean;
  headline: HeadlineResult;
  mean: number | null;
  /** Sample standard deviation; null below two answers. */
  sd: number | null;
  mean_ci: Interval | null;
  distribution: DistributionBin[];
  good: GoodShare;
  /** Promoters / passives / detractors; NPS surveys only. */
  nps_split: NpsSplit | null;
  /** (mean − min) / (max − min) × 100: comparable across scales, labelled as an index. */
  index: IndexValue;
}

function toPoints(interval: Interval | null): Interval | null {
  return interval === null ? null : [interval[0] * 100, interval[1] * 100];
}

function share(count: number, n: number): Share {
  return { count, percent: n === 0 ? null : (count / n) * 100, ci: toPoints(wilsonInterval(count, n)) };
}

function checkConfig(config: ScoringConfig, histogram: Histogram): void {
  const { scale, satisfied_min } = config;
  if (histogram.scale.min !== scale.min || histogram.scale.max !== scale.max) {
    throw new RangeError(`summary: histogram scale ${histogram.scale.min}–${histogram.scale.max} is not the survey's ${scale.min}–${scale.max}`);
  }
  if (!Number.isInteger(satisfied_min) || satisfied_min < scale.min || satisfied_min > scale.max) {
    throw new RangeError(`summary: satisfied_min ${satisfied_min} is not on the scale`);
  }
}

/** The lowest score that counts as good; NPS promoters are fixed at 9–10 whatever the setting. */
export function goodMin(config: ScoringConfig): number {
  return config.metric === "nps" ? NPS_PROMOTER_MIN : config.satisfied_min;
}

/** A low score: an NPS detractor (0–6), or on other metrics a score below the survey's satisfied_min. */
export function isLowScore(survey: Pick<ScoringConfig, "metric" | "satisfied_min">, score: number): boolean {
  return survey.metric === "nps" ? score <= NPS_DETRACTOR_MAX : score < survey.satisfied_min;
}

export function headlineUnit(config: Pick<ScoringConfig, "metric" | "headline">): HeadlineUnit {
  if (config.metric === "nps") return "nps";
  return config.headline === "percent" ? "percent" : "mean";
}

/** The scale mean on the 0–100 index. */
export function toIndex(scale: Scale, value: number): number {
  return ((value - scale.min) / (scale.max - scale.min)) * 100;
}

export function npsOf(histogram: Histogram): { promoters: number; passives: number; detractors: number; n: number } {
  const n = histogramN(histogram);
  const promoters = countAtLeast(histogram, NPS_PROMOTER_MIN);
  const detractors = countBetween(histogram, histogram.scale.min, NPS_DETRACTOR_MAX);
  return { promoters, passives: n - promoters - detractors, detractors, n };
}

export function meanCi(histogram: Histogram): Interval | null {
  const mean = histogramMean(histogram);
  const sd = histogramSd(histogram);
  if (mean === null || sd === null) return null;
  return meanInterval(mean, sd, histogramN(histogram), histogram.scale);
}

/** Just the headline: the number a trend line or badge needs. */
export function headlineOf(config: ScoringConfig, histogram: Histogram): HeadlineResult {
  checkConfig(config, histogram);
  const n = histogramN(histogram);
  const unit = headlineUnit(config);
  const base = { metric: config.metric, n, low_confidence: n < LOW_CONFIDENCE_N, unit };
  if (unit === "nps") {
    const { promoters, detractors } = npsOf(histogram);
    const estimate = npsInterval(promoters, detractors, n);
    return { ...base, value: estimate && estimate.nps * 100, ci: estimate && toPoints(estimate.ci) };
  }
  if (unit === "percent") {
    const good = share(countAtLeast(histogram, goodMin(config)), n);
    return { ...base, value: good.percent, ci: good.ci };
  }
  return { ...base, value: histogramMean(histogram), ci: meanCi(histogram) };
}

export function summarize(config: ScoringConfig, histogram: Histogram): Summary {
  const headline = headlineOf(config, histogram);
  const { scale } = config;
  const n = headline.n;
  const mean = histogramMean(histogram);
  const meanInt = meanCi(histogram);
  const min = goodMin(config);
  const split = config.metric === "nps" ? npsOf(histogram) : null;
  return {
    metric: config.metric,
    scale: { min: scale.min, max: scale.max },
    n,
    low_confidence: headline.low_confidence,
    headline,
    mean,
    sd: histogramSd(histogram),
    mean_ci: meanInt,
    distribution: histogram.counts.map((count, i) => ({
      score: scale.min + i,
      count,
      percent: n === 0 ? null : (count / n) * 100,
    })),
    good: { label: GOOD_LABEL[config.metric], min, ...share(countAtLeast(histogram, min), n) },
    nps_split: split && {
      promoters: share(split.promoters, n),
      passives: share(split.passives, n),
      detractors: share(split.detractors, n),
    },
    index: {
      value: mean === null ? null : toIndex(scale, mean),
      ci: meanInt && [toIndex(scale, meanInt[0]), toIndex(scale, meanInt[1])],
    },
  };
}
