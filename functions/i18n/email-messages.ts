/**
 * The words of a survey email around its question, per language: the default subject and intro
 * line (a survey may set its own), the footer and the labels of the plain-text part. Register
 * follows the respondent pages: formal in Dutch and German (u, Sie), informal in Swedish and Polish
 * (du, ty); Polish keeps the sender's name in the nominative and avoids gendered verb forms.
 * Templates use `{name}` placeholders; fill them with `format`.
 */
import type { Locale } from "./locales";

export interface EmailMessages {
  /** {sender}: the subject when the survey sets none */
  subject: string;
  /** {name}: the intro line when the survey sets none and the person's name is known */
  introWithName: string;
  /** The intro line when the survey sets none and no name is known */
  intro: string;
  /** {sender}: why this email arrived */
  footerReason: string;
  /** The sentence before the unsubscribe link */
  unsubscribePrompt: string;
  /** The unsubscribe link's text */
  unsubscribeLink: string;
  /** Plain-text part: the line above the score links */
  textAnswerHint: string;
  /** {url}: plain-text part, the unsubscribe line */
  textUnsubscribe: string;
}

const MESSAGES: Record<Locale, EmailMessages> = {
  en: {
    subject: "A quick question from {sender}",
    introWithName: "Hi {name}, we would love to hear what you think. Just choose a score below: one click is all it takes.",
    intro: "We would love to hear what you think. Just choose a score below: one click is all it takes.",
    footerReason: "You received this email because you have been in contact with {sender}.",
    unsubscribePrompt: "Don’t want to receive these surveys?",
    unsubscribeLink: "Unsubscribe",
    textAnswerHint: "To answer, open the link next to your score:",
    textUnsubscribe: "Unsubscribe: {url}",
  },
  nl: {
    subject: "Een korte vraag van {sender}",
    introWithName: "Hallo {name}, we horen graag wat u ervan vindt. Kies hieronder een score: één klik is genoeg.",
    intro: "We horen graag wat u ervan vindt. Kies hieronder een score: één klik is genoeg.",
    footerReason: "U ontvangt deze e-mail omdat u contact hebt gehad met {sender}.",
    unsubscribePrompt: "Wilt u deze enquêtes niet meer ontvangen?",
    unsubscribeLink: "Afmelden",
    textAnswerHint: "Open de link bij uw score om te antwoorden:",
    textUnsubscribe: "Afmelden: {url}",
  },
  de: {
    subject: "Eine kurze Frage von {sender}",
    introWithName: "Hallo {name}, Ihre Meinung ist uns wichtig. Wählen Sie einfach unten eine Bewertung aus: Ein Klick genügt.",
    intro: "Ihre Meinung ist uns wichtig. Wählen Sie einfach unten eine Bewertung aus: Ein Klick genügt.",
    footerReason: "Sie erhalten diese E-Mail, weil Sie mit {sender} in Kontakt standen.",
    unsubscribePrompt: "Sie möchten keine solchen Umfragen mehr erhalten?",
    unsubscribeLink: "Abmelden",
    textAnswerHint: "Öffnen Sie zum Antworten den Link neben Ihrer Bewertung:",
    textUnsubscribe: "Abmelden: {url}",
  },
  sv: {
    subject: "En snabb fråga från {sender}",
    introWithName: "Hej {name}! Vi vill gärna veta vad du tycker. Välj ett betyg nedan – det räcker med ett klick.",
    intro: "Hej! Vi vill gärna veta vad du tycker. Välj ett betyg nedan – det räcker med ett klick.",
    footerReason: "Du får det här mejlet eftersom du har varit i kontakt med {sender}.",
    unsubscribePrompt: "Vill du inte få fler sådana här enkäter?",
    unsubscribeLink: "Avregistrera dig",
    textAnswerHint: "Öppna länken vid ditt betyg för att svara:",
    textUnsubscribe: "Avregistrera dig: {url}",
  },
  pl: {
    // "{sender} ma do Ciebie…" keeps the name in the nominative: "od" would need its genitive.
    subject: "{sender} ma do Ciebie krótkie pytanie",
    introWithName: "Cześć {name}! Chcemy poznać Twoją opinię. Wybierz ocenę poniżej – wystarczy jedno kliknięcie.",
    intro: "Cześć! Chcemy poznać Twoją opinię. Wybierz ocenę poniżej – wystarczy jedno kliknięcie.",
    // "Nadawca: {sender}" again spares declining the name and the gender of "miałeś/miałaś".
    footerReason: "Nadawca: {sender}. Otrzymujesz tę wiadomość w związku z wcześniejszym kontaktem z nadawcą.",
    unsubscribePrompt: "Nie chcesz otrzymywać takich ankiet?",
    unsubscribeLink: "Wypisz się",
    textAnswerHint: "Aby odpowiedzieć, otwórz link przy wybranej ocenie:",
    textUnsubscribe: "Wypisz się: {url}",
  },
};

export function emailMessages(locale: Locale): EmailMessages {
  return MESSAGES[locale];
}
