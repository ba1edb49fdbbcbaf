import type { Metric } from "../scoring/metrics";
import type { Locale } from "./locales";

/** The question a survey asks when its creator gives none, per metric and language. */
export const DEFAULT_QUESTIONS: Record<Metric, Record<Locale, string>> = {
  csat: {
    en: "How satisfied are you with our service?",
    nl: "Hoe tevreden bent u over onze service?",
    de: "Wie zufrieden sind Sie mit unserem Service?",
    sv: "Hur nöjd är du med vår service?",
    pl: "Jak bardzo jesteś zadowolony z naszej obsługi?",
  },
  nps: {
    en: "How likely are you to recommend us to a friend or colleague?",
    nl: "Hoe waarschijnlijk is het dat u ons aanbeveelt aan een vriend of collega?",
    de: "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
    sv: "Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?",
    pl: "Jak prawdopodobne jest, że polecisz nas znajomemu lub współpracownikowi?",
  },
  ces: {
    en: "How easy was it to get what you needed?",
    nl: "Hoe gemakkelijk was het om te krijgen wat u nodig had?",
    de: "Wie einfach war es, das zu bekommen, was Sie brauchten?",
    sv: "Hur enkelt var det att få det du behövde?",
    pl: "Jak łatwo było uzyskać to, czego potrzebowałeś?",
  },
  // The attribute is a bare name ("Onboarding-Gespräch", "levertijd"): a sentence that puts it inside
  // ("mit Onboarding-Gespräch") would need its article and case in every language, so it leads instead.
  rating: {
    en: "{attribute}: how satisfied are you?",
    nl: "{attribute}: hoe tevreden bent u?",
    de: "{attribute}: Wie zufrieden sind Sie?",
    sv: "{attribute}: hur nöjd är du?",
    pl: "{attribute}: jak to oceniasz?",
  },
  intent: {
    en: "How likely are you to buy from us again?",
    nl: "Hoe waarschijnlijk is het dat u opnieuw bij ons koopt?",
    de: "Wie wahrscheinlich ist es, dass Sie wieder bei uns kaufen?",
    sv: "Hur troligt är det att du handlar av oss igen?",
    pl: "Jak prawdopodobne jest, że ponownie u nas kupisz?",
  },
};

/** The follow-up question by how the chosen score feels (functions/surveys/sentiment.ts), per language. */
export const DEFAULT_FOLLOW_UPS: Record<"low" | "middle" | "high", Record<Locale, string>> = {
  low: {
    en: "What went wrong, and what could we do better?",
    nl: "Wat ging er mis, en wat kunnen we beter doen?",
    de: "Was ist schiefgelaufen, und was können wir besser machen?",
    sv: "Vad gick fel, och vad kan vi göra bättre?",
    pl: "Co poszło nie tak i co możemy poprawić?",
  },
  middle: {
    en: "What would have made it better?",
    nl: "Wat had het beter gemaakt?",
    de: "Was hätte es besser gemacht?",
    sv: "Vad hade gjort det bättre?",
    pl: "Co sprawiłoby, że byłoby lepiej?",
  },
  high: {
    en: "Glad to hear it! What did you like most?",
    nl: "Fijn om te horen! Wat vond u het beste?",
    de: "Schön zu hören! Was hat Ihnen am besten gefallen?",
    sv: "Vad roligt! Vad uppskattade du mest?",
    pl: "Miło nam! Co podobało ci się najbardziej?",
  },
};
