/**
 * The unsubscribe pages a person reaches from the footer of a survey email, in the invitation's
 * language, with the respondent pages' look. Register follows respondent-messages.ts: formal in Dutch
 * and German, informal in Swedish and Polish, and Polish without gendered verb forms. Pure.
 */
import { escapeHtml } from "../http/html";
import type { Locale } from "../i18n/locales";
import { documentHtml } from "./page";

export interface UnsubscribeMessages {
  pageTitle: string;
  /** The page with the one button: nothing has happened yet. */
  confirmTitle: string;
  confirmBody: string;
  button: string;
  /** After the POST, and on a later visit. */
  doneTitle: string;
  doneBody: string;
  /** The invitation has no address: it was not sent by email. */
  noEmailTitle: string;
  noEmailBody: string;
}

export const UNSUBSCRIBE_MESSAGES: Record<Locale, UnsubscribeMessages> = {
  en: {
    pageTitle: "Survey emails",
    confirmTitle: "Stop survey emails?",
    confirmBody: "We will no longer send survey emails to the address this message was sent to, for any of our surveys.",
    button: "Unsubscribe",
    doneTitle: "You are unsubscribed",
    doneBody: "We won’t send survey emails to this address any more. Thank you for letting us know.",
    noEmailTitle: "Nothing to unsubscribe",
    noEmailBody: "This link was not sent by email, so there is no address to unsubscribe.",
  },
  nl: {
    pageTitle: "Enquête-e-mails",
    confirmTitle: "Geen enquête-e-mails meer ontvangen?",
    confirmBody: "We sturen dan geen enquête-e-mails meer naar het adres waarop u dit bericht hebt ontvangen, voor geen enkele enquête.",
    button: "Afmelden",
    doneTitle: "U bent afgemeld",
    doneBody: "We sturen geen enquête-e-mails meer naar dit adres. Bedankt dat u het ons hebt laten weten.",
    noEmailTitle: "Er is niets om af te melden",
    noEmailBody: "Deze link is niet per e-mail verstuurd, dus er is geen adres om af te melden.",
  },
  de: {
    pageTitle: "Umfrage-E-Mails",
    confirmTitle: "Keine Umfrage-E-Mails mehr erhalten?",
    confirmBody: "Wir senden dann keine Umfrage-E-Mails mehr an die Adresse, an die diese Nachricht ging, für keine unserer Umfragen.",
    button: "Abmelden",
    doneTitle: "Sie sind abgemeldet",
    doneBody: "Wir senden keine Umfrage-E-Mails mehr an diese Adresse. Vielen Dank für Ihre Rückmeldung.",
    noEmailTitle: "Nichts abzumelden",
    noEmailBody: "Dieser Link wurde nicht per E-Mail verschickt, daher gibt es keine Adresse zum Abmelden.",
  },
  sv: {
    pageTitle: "Enkätmejl",
    confirmTitle: "Vill du sluta få enkätmejl?",
    confirmBody: "Vi skickar då inga fler enkätmejl till adressen som det här meddelandet skickades till, för någon av våra enkäter.",
    button: "Avregistrera mig",
    doneTitle: "Du är avregistrerad",
    doneBody: "Vi skickar inga fler enkätmejl till den här adressen. Tack för att du hörde av dig.",
    noEmailTitle: "Inget att avregistrera",
    noEmailBody: "Den här länken skickades inte med e-post, så det finns ingen adress att avregistrera.",
  },
  pl: {
    pageTitle: "E-maile z ankietami",
    confirmTitle: "Zrezygnować z e-maili z ankietami?",
    confirmBody: "Nie będziemy już wysyłać e-maili z ankietami na adres, na który przyszła ta wiadomość, w żadnej z naszych ankiet.",
    button: "Wypisz mnie",
    doneTitle: "Adres został wypisany",
    doneBody: "Nie będziemy już wysyłać e-maili z ankietami na ten adres. Dziękujemy za informację.",
    noEmailTitle: "Nie ma czego wypisać",
    noEmailBody: "Ten link nie został wysłany e-mailem, więc nie ma adresu do wypisania.",
  },
};

/** The form field the page's button posts; a mail provider's one-click POST sends List-Unsubscribe=One-Click instead. */
export const UNSUBSCRIBE_ACTION = { name: "action", value: "unsubscribe" } as const;

export type UnsubscribeView = "confirm" | "done" | "noEmail";

function card(locale: Locale, title: string, body: string, extra = ""): string {
  const text = UNSUBSCRIBE_MESSAGES[locale];
  return documentHtml(locale, `${title} – ${text.pageTitle}`, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p>${extra}`);
}

/**
 * confirm: one button that POSTs back to the same URL (a GET never unsubscribes: mail scanners
 * fetch every link); done: the address is unsubscribed; noEmail: nothing to unsubscribe.
 */
export function unsubscribePage(view: UnsubscribeView, locale: Locale, token: string): string {
  const text = UNSUBSCRIBE_MESSAGES[locale];
  if (view === "done") return card(locale, text.doneTitle, text.doneBody);
  if (view === "noEmail") return card(locale, text.noEmailTitle, text.noEmailBody);
  const action = `/r/${encodeURIComponent(token)}/unsubscribe`;
  const form = `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="${UNSUBSCRIBE_ACTION.name}" value="${UNSUBSCRIBE_ACTION.value}"><button class="send" type="submit">${escapeHtml(text.button)}</button></form>`;
  return card(locale, text.confirmTitle, text.confirmBody, form);
}
