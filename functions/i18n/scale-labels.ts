/**
 * Words for the points of every metric's scales, per language. Short scales (up to 7 points) are
 * fully worded, because respondents read the words more than the numbers there; 0–10 and 1–10 name
 * only their ends, as is standard for NPS and because nine shades of "somewhat" help nobody.
 *
 * Polish adjectives use the masculine form, matching the default questions ("zadowolony");
 * effort is worded as adverbs ("łatwo"), which avoids gender altogether.
 */
import type { Locale } from "./locales";
import { isAllowedScale, type Metric, type Scale } from "../scoring/metrics";

type Five = readonly [string, string, string, string, string];
type Seven = readonly [string, string, string, string, string, string, string];
export interface EndLabels {
  low: string;
  high: string;
}

interface ScaleWords {
  satisfaction5: Five;
  satisfaction7: Seven;
  satisfaction10: EndLabels;
  nps: EndLabels;
  effort5: Five;
  effort7: Seven;
  intent5: Five;
}

const WORDS: Record<Locale, ScaleWords> = {
  en: {
    satisfaction5: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    satisfaction7: ["Very dissatisfied", "Dissatisfied", "Somewhat dissatisfied", "Neutral", "Somewhat satisfied", "Satisfied", "Very satisfied"],
    satisfaction10: { low: "Very dissatisfied", high: "Very satisfied" },
    nps: { low: "Not at all likely", high: "Extremely likely" },
    effort5: ["Very difficult", "Difficult", "Neutral", "Easy", "Very easy"],
    effort7: ["Very difficult", "Difficult", "Somewhat difficult", "Neutral", "Somewhat easy", "Easy", "Very easy"],
    intent5: ["Definitely not", "Probably not", "Not sure", "Probably", "Definitely"],
  },
  nl: {
    satisfaction5: ["Zeer ontevreden", "Ontevreden", "Neutraal", "Tevreden", "Zeer tevreden"],
    satisfaction7: ["Zeer ontevreden", "Ontevreden", "Enigszins ontevreden", "Neutraal", "Enigszins tevreden", "Tevreden", "Zeer tevreden"],
    satisfaction10: { low: "Zeer ontevreden", high: "Zeer tevreden" },
    nps: { low: "Zeer onwaarschijnlijk", high: "Zeer waarschijnlijk" },
    effort5: ["Zeer moeilijk", "Moeilijk", "Neutraal", "Gemakkelijk", "Zeer gemakkelijk"],
    effort7: ["Zeer moeilijk", "Moeilijk", "Enigszins moeilijk", "Neutraal", "Enigszins gemakkelijk", "Gemakkelijk", "Zeer gemakkelijk"],
    intent5: ["Zeker niet", "Waarschijnlijk niet", "Misschien", "Waarschijnlijk wel", "Zeker wel"],
  },
  de: {
    satisfaction5: ["Sehr unzufrieden", "Unzufrieden", "Neutral", "Zufrieden", "Sehr zufrieden"],
    satisfaction7: ["Sehr unzufrieden", "Unzufrieden", "Eher unzufrieden", "Neutral", "Eher zufrieden", "Zufrieden", "Sehr zufrieden"],
    satisfaction10: { low: "Sehr unzufrieden", high: "Sehr zufrieden" },
    nps: { low: "Überhaupt nicht wahrscheinlich", high: "Äußerst wahrscheinlich" },
    effort5: ["Sehr schwierig", "Schwierig", "Neutral", "Einfach", "Sehr einfach"],
    effort7: ["Sehr schwierig", "Schwierig", "Eher schwierig", "Neutral", "Eher einfach", "Einfach", "Sehr einfach"],
    intent5: ["Bestimmt nicht", "Wahrscheinlich nicht", "Vielleicht", "Wahrscheinlich", "Bestimmt"],
  },
  sv: {
    satisfaction5: ["Väldigt missnöjd", "Missnöjd", "Neutral", "Nöjd", "Väldigt nöjd"],
    satisfaction7: ["Väldigt missnöjd", "Missnöjd", "Ganska missnöjd", "Neutral", "Ganska nöjd", "Nöjd", "Väldigt nöjd"],
    satisfaction10: { low: "Väldigt missnöjd", high: "Väldigt nöjd" },
    nps: { low: "Inte alls troligt", high: "Mycket troligt" },
    effort5: ["Väldigt svårt", "Svårt", "Neutralt", "Enkelt", "Väldigt enkelt"],
    effort7: ["Väldigt svårt", "Svårt", "Ganska svårt", "Neutralt", "Ganska enkelt", "Enkelt", "Väldigt enkelt"],
    intent5: ["Absolut inte", "Troligen inte", "Kanske", "Troligen", "Absolut"],
  },
  pl: {
    satisfaction5: ["Bardzo niezadowolony", "Niezadowolony", "Neutralnie", "Zadowolony", "Bardzo zadowolony"],
    satisfaction7: ["Bardzo niezadowolony", "Niezadowolony", "Raczej niezadowolony", "Neutralnie", "Raczej zadowolony", "Zadowolony", "Bardzo zadowolony"],
    satisfaction10: { low: "Bardzo niezadowolony", high: "Bardzo zadowolony" },
    nps: { low: "Zupełnie nieprawdopodobne", high: "Bardzo prawdopodobne" },
    effort5: ["Bardzo trudno", "Trudno", "Neutralnie", "Łatwo", "Bardzo łatwo"],
    effort7: ["Bardzo trudno", "Trudno", "Raczej trudno", "Neutralnie", "Raczej łatwo", "Łatwo", "Bardzo łatwo"],
    intent5: ["Zdecydowanie nie", "Raczej nie", "Trudno powiedzieć", "Raczej tak", "Zdecydowanie tak"],
  },
};

export interface ScorePoint {
  score: number;
  label: string | null;
}

/** Words for one scale: one per point, or only the two ends. */
function wording(metric: Metric, scale: Scale, locale: Locale): readonly string[] | EndLabels {
  if (!isAllowedScale(metric, scale)) throw new RangeError(`${metric} has no ${scale.min}–${scale.max} scale.`);
  const words = WORDS[locale];
  switch (metric) {
    case "nps":
      return words.nps;
    case "ces":
      return scale.max === 5 ? words.effort5 : words.effort7;
    case "intent":
      return words.intent5;
    case "csat":
    case "rating":
      return scale.max === 5 ? words.satisfaction5 : scale.max === 7 ? words.satisfaction7 : words.satisfaction10;
  }
}

/** Every score of the scale, lowest first, with its words, or null where only the ends are named. */
export function scaleLabels(metric: Metric, scale: Scale, locale: Locale): ScorePoint[] {
  const words = wording(metric, scale, locale);
  const last = scale.max - scale.min;
  return Array.from({ length: last + 1 }, (_, index) => {
    const label = isEnds(words) ? (index === 0 ? words.low : index === last ? words.high : null) : words[index]!;
    return { score: scale.min + index, label };
  });
}

/** The words at the two ends of the scale, for worded and end-labelled scales alike. */
export function endLabels(metric: Metric, scale: Scale, locale: Locale): EndLabels {
  const words = wording(metric, scale, locale);
  return isEnds(words) ? words : { low: words[0]!, high: words[words.length - 1]! };
}

/** True when every point of the scale has its own words (so show them under each number). */
export function isWordedScale(metric: Metric, scale: Scale): boolean {
  return !isEnds(wording(metric, scale, "en"));
}

function isEnds(words: readonly string[] | EndLabels): words is EndLabels {
  return !Array.isArray(words);
}
