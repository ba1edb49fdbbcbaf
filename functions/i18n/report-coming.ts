import type { Locale } from "./locales";

/**
 * The page a survey's report address shows before the site has been rebuilt with it, in the survey's
 * language. `{name}` is the survey's name, quoted as each language quotes a title, so no sentence
 * needs its case or article. No numbers: the page must not suggest a result or a time it cannot keep.
 */
export interface ReportComingMessages {
  title: string;
  /** {name} */
  body: string;
  later: string;
}

const MESSAGES: Record<Locale, ReportComingMessages> = {
  en: {
    title: "Report coming",
    body: "The report for “{name}” is coming: report pages are rebuilt after the next rollup of the answers, and this page will appear then.",
    later: "Please come back a little later.",
  },
  nl: {
    title: "Rapport volgt",
    body: "Het rapport voor ‘{name}’ komt eraan: de rapportpagina’s worden opnieuw gemaakt na de volgende verwerking van de antwoorden, en dan verschijnt deze pagina.",
    later: "Kom iets later terug.",
  },
  de: {
    title: "Bericht folgt",
    body: "Der Bericht für „{name}“ kommt: Die Berichtsseiten werden nach der nächsten Auswertung der Antworten neu erstellt, dann erscheint diese Seite.",
    later: "Bitte schauen Sie etwas später wieder vorbei.",
  },
  sv: {
    title: "Rapporten kommer",
    body: "Rapporten för ”{name}” är på väg: rapportsidorna byggs om efter nästa sammanställning av svaren, och då visas den här sidan.",
    later: "Titta in igen lite senare.",
  },
  pl: {
    title: "Raport w przygotowaniu",
    body: "Raport „{name}” jest w przygotowaniu: strony raportów są tworzone na nowo po następnym podsumowaniu odpowiedzi i wtedy pojawi się ta strona.",
    later: "Zajrzyj tu trochę później.",
  },
};

export const reportComingMessages = (locale: Locale): ReportComingMessages => MESSAGES[locale];
