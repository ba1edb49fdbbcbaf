/**
 * Everything a respondent reads on Tapscore's own pages, per language. Register follows the default
 * questions: formal in Dutch and German (u, Sie), informal in Swedish and Polish (du, ty), and Polish
 * avoids gendered verb forms. Templates use `{name}` placeholders; fill them with `format`.
 */
import type { Locale } from "./locales";

export { format, formatNumber } from "./format";
export { endLabels, isWordedScale, scaleLabels, type EndLabels, type ScorePoint } from "./scale-labels";


export interface ErrorPage {
  title: string;
  body: string;
}

export type ErrorKind = "expired" | "invalid" | "closed" | "tooManyRequests" | "serverError" | "crossSite" | "unfilledLink";

export interface RespondentMessages {
  pageTitle: string;
  thankYou: string;
  /** {score} */
  yourAnswer: string;
  changeAnswer: string;
  commentLabel: string;
  /** {max} */
  commentHint: string;
  /** {max} */
  commentTooLong: string;
  /** {max}: a form too large to receive; the comment's first {max} characters are shown back */
  commentCut: string;
  /** A form too large to receive, with no comment to show back */
  tooLarge: string;
  /** A comment sent in bytes that are not UTF-8: shown back as far as it could be read */
  commentUnreadable: string;
  sendComment: string;
  commentSaved: string;
  /** After a saved comment: the person is finished */
  done: string;
  /** Opens the saved comment's form again */
  editComment: string;
  /** {name}: the organization asking, over the question when a survey or the installation names one */
  brandAsks: string;
  answerUpdated: string;
  saveAnswer: string;
  confirm: string;
  tryAgain: string;
  /** {score}, {max}: the accessible name of a score */
  scoreOutOf: string;
  /** {score}, {max}, {label} */
  scoreOutOfWithLabel: string;
  errors: Record<ErrorKind, ErrorPage>;
}

const MESSAGES: Record<Locale, RespondentMessages> = {
  en: {
    pageTitle: "Your feedback",
    thankYou: "Thank you!",
    yourAnswer: "Your answer: {score}",
    changeAnswer: "Changed your mind? Choose another score",
    commentLabel: "Your comment",
    commentHint: "Optional, up to {max} characters",
    commentTooLong: "Your comment is too long. Please keep it to {max} characters.",
    commentCut: "Your comment was too long to receive, so nothing was saved. Its first {max} characters are below: please check them and send again.",
    tooLarge: "What you sent was too large to receive, so nothing was saved.",
    commentUnreadable: "Part of your comment could not be read, so nothing was saved. Please check it below and send it again.",
    sendComment: "Send comment",
    commentSaved: "Your comment has been saved.",
    done: "That’s all — thank you! You can close this page.",
    brandAsks: "{name} would like your feedback",
    editComment: "Edit your comment",
    answerUpdated: "Your answer has been updated.",
    saveAnswer: "Save my answer",
    confirm: "Confirm",
    tryAgain: "Try again",
    scoreOutOf: "{score} out of {max}",
    scoreOutOfWithLabel: "{score} out of {max}: {label}",
    errors: {
      expired: {
        title: "This link has expired",
        body: "Survey links are only valid for a limited time. Thank you for wanting to share your feedback all the same.",
      },
      invalid: {
        title: "This link isn’t valid",
        body: "We don’t recognise this link. Please check that it was copied in full, or use the link in your most recent email.",
      },
      closed: {
        title: "This survey is closed",
        body: "This survey no longer accepts answers. Thank you for your interest.",
      },
      tooManyRequests: {
        title: "Too many requests",
        body: "Please wait a moment and try again.",
      },
      serverError: {
        title: "Something went wrong",
        body: "Your answer may not have been saved. Please try again in a moment.",
      },
      crossSite: {
        title: "Nothing was changed",
        body: "This answer was sent from another website, so we did not change anything. To answer, please open the link in the email you received.",
      },
      unfilledLink: {
        title: "This link is incomplete",
        body: "The message this link came in was sent before it was filled in for you, so nothing was saved. Please reply to that message to share your feedback instead.",
      },
    },
  },
  nl: {
    pageTitle: "Uw feedback",
    thankYou: "Bedankt!",
    yourAnswer: "Uw antwoord: {score}",
    changeAnswer: "Van gedachten veranderd? Kies een andere score",
    commentLabel: "Uw opmerking",
    commentHint: "Optioneel, maximaal {max} tekens",
    commentTooLong: "Uw opmerking is te lang. Gebruik maximaal {max} tekens.",
    commentCut: "Uw opmerking was te lang om te ontvangen, dus er is niets opgeslagen. Hieronder staan de eerste {max} tekens: controleer ze en verstuur ze opnieuw.",
    tooLarge: "Wat u verstuurde was te groot om te ontvangen, dus er is niets opgeslagen.",
    commentUnreadable: "Een deel van uw opmerking kon niet worden gelezen, dus er is niets opgeslagen. Controleer de opmerking hieronder en verstuur deze opnieuw.",
    sendComment: "Opmerking versturen",
    commentSaved: "Uw opmerking is opgeslagen.",
    done: "Dat was het — bedankt! U kunt deze pagina sluiten.",
    brandAsks: "{name} vraagt om uw feedback",
    editComment: "Uw opmerking aanpassen",
    answerUpdated: "Uw antwoord is bijgewerkt.",
    saveAnswer: "Mijn antwoord opslaan",
    confirm: "Bevestigen",
    tryAgain: "Opnieuw proberen",
    scoreOutOf: "{score} van {max}",
    scoreOutOfWithLabel: "{score} van {max}: {label}",
    errors: {
      expired: {
        title: "Deze link is verlopen",
        body: "Enquêtelinks zijn maar een beperkte tijd geldig. Toch bedankt dat u uw mening wilde geven.",
      },
      invalid: {
        title: "Deze link is ongeldig",
        body: "We herkennen deze link niet. Controleer of de link volledig is gekopieerd, of gebruik de link uit uw meest recente e-mail.",
      },
      closed: {
        title: "Deze enquête is gesloten",
        body: "Er kunnen geen antwoorden meer worden gegeven. Bedankt voor uw interesse.",
      },
      tooManyRequests: {
        title: "Te veel verzoeken",
        body: "Wacht even en probeer het dan opnieuw.",
      },
      serverError: {
        title: "Er is iets misgegaan",
        body: "Uw antwoord is mogelijk niet opgeslagen. Probeer het over een ogenblik opnieuw.",
      },
      crossSite: {
        title: "Er is niets gewijzigd",
        body: "Dit antwoord is vanaf een andere website verstuurd, dus we hebben niets gewijzigd. Open de link in de e-mail die u hebt ontvangen om te antwoorden.",
      },
      unfilledLink: {
        title: "Deze link is onvolledig",
        body: "Het bericht met deze link is verstuurd voordat de link voor u was ingevuld, dus er is niets opgeslagen. Beantwoord dat bericht als u toch uw mening wilt geven.",
      },
    },
  },
  de: {
    pageTitle: "Ihr Feedback",
    thankYou: "Vielen Dank!",
    yourAnswer: "Ihre Antwort: {score}",
    changeAnswer: "Meinung geändert? Wählen Sie eine andere Bewertung",
    commentLabel: "Ihr Kommentar",
    commentHint: "Optional, höchstens {max} Zeichen",
    commentTooLong: "Ihr Kommentar ist zu lang. Bitte verwenden Sie höchstens {max} Zeichen.",
    commentCut: "Ihr Kommentar war zu lang, daher wurde nichts gespeichert. Unten stehen die ersten {max} Zeichen: Bitte prüfen Sie sie und senden Sie sie erneut.",
    tooLarge: "Ihre Eingabe war zu groß, daher wurde nichts gespeichert.",
    commentUnreadable: "Ein Teil Ihres Kommentars konnte nicht gelesen werden, daher wurde nichts gespeichert. Bitte prüfen Sie ihn unten und senden Sie ihn erneut.",
    sendComment: "Kommentar senden",
    commentSaved: "Ihr Kommentar wurde gespeichert.",
    done: "Das war’s – vielen Dank! Sie können diese Seite schließen.",
    brandAsks: "{name} bittet um Ihr Feedback",
    editComment: "Kommentar bearbeiten",
    answerUpdated: "Ihre Antwort wurde aktualisiert.",
    saveAnswer: "Meine Antwort speichern",
    confirm: "Bestätigen",
    tryAgain: "Erneut versuchen",
    scoreOutOf: "{score} von {max}",
    scoreOutOfWithLabel: "{score} von {max}: {label}",
    errors: {
      expired: {
        title: "Dieser Link ist abgelaufen",
        body: "Umfragelinks sind nur für begrenzte Zeit gültig. Trotzdem vielen Dank, dass Sie uns Ihre Meinung sagen wollten.",
      },
      invalid: {
        title: "Dieser Link ist ungültig",
        body: "Wir können diesen Link nicht zuordnen. Bitte prüfen Sie, ob er vollständig kopiert wurde, oder verwenden Sie den Link aus Ihrer neuesten E-Mail.",
      },
      closed: {
        title: "Diese Umfrage ist beendet",
        body: "Es werden keine Antworten mehr angenommen. Vielen Dank für Ihr Interesse.",
      },
      tooManyRequests: {
        title: "Zu viele Anfragen",
        body: "Bitte warten Sie einen Moment und versuchen Sie es dann erneut.",
      },
      serverError: {
        title: "Etwas ist schiefgelaufen",
        body: "Ihre Antwort wurde möglicherweise nicht gespeichert. Bitte versuchen Sie es in einem Moment erneut.",
      },
      crossSite: {
        title: "Es wurde nichts geändert",
        body: "Diese Antwort wurde von einer anderen Website gesendet, daher haben wir nichts geändert. Um zu antworten, öffnen Sie bitte den Link in der E-Mail, die Sie erhalten haben.",
      },
      unfilledLink: {
        title: "Dieser Link ist unvollständig",
        body: "Die Nachricht mit diesem Link wurde verschickt, bevor er für Sie ausgefüllt war, daher wurde nichts gespeichert. Antworten Sie bitte auf diese Nachricht, um uns Ihre Meinung mitzuteilen.",
      },
    },
  },
  sv: {
    pageTitle: "Din feedback",
    thankYou: "Tack!",
    yourAnswer: "Ditt svar: {score}",
    changeAnswer: "Ändrat dig? Välj ett annat betyg",
    commentLabel: "Din kommentar",
    commentHint: "Valfritt, högst {max} tecken",
    commentTooLong: "Kommentaren är för lång. Använd högst {max} tecken.",
    commentCut: "Kommentaren var för lång för att tas emot, så inget sparades. De första {max} tecknen står nedan: kontrollera dem och skicka igen.",
    tooLarge: "Det du skickade var för stort för att tas emot, så inget sparades.",
    commentUnreadable: "En del av kommentaren kunde inte läsas, så inget sparades. Kontrollera den nedan och skicka igen.",
    sendComment: "Skicka kommentar",
    commentSaved: "Din kommentar har sparats.",
    done: "Det var allt – tack! Du kan stänga sidan.",
    brandAsks: "{name} vill gärna ha din feedback",
    editComment: "Ändra din kommentar",
    answerUpdated: "Ditt svar har uppdaterats.",
    saveAnswer: "Spara mitt svar",
    confirm: "Bekräfta",
    tryAgain: "Försök igen",
    scoreOutOf: "{score} av {max}",
    scoreOutOfWithLabel: "{score} av {max}: {label}",
    errors: {
      expired: {
        title: "Länken har gått ut",
        body: "Enkätlänkar gäller bara en begränsad tid. Tack ändå för att du ville dela med dig av dina synpunkter.",
      },
      invalid: {
        title: "Länken är inte giltig",
        body: "Vi känner inte igen den här länken. Kontrollera att hela länken kom med när den kopierades, eller använd länken i ditt senaste mejl.",
      },
      closed: {
        title: "Enkäten är stängd",
        body: "Enkäten tar inte längre emot svar. Tack för ditt intresse.",
      },
      tooManyRequests: {
        title: "För många förfrågningar",
        body: "Vänta en stund och försök sedan igen.",
      },
      serverError: {
        title: "Något gick fel",
        body: "Ditt svar kanske inte sparades. Försök igen om en liten stund.",
      },
      crossSite: {
        title: "Inget har ändrats",
        body: "Svaret skickades från en annan webbplats, så vi har inte ändrat något. Öppna länken i mejlet du fick för att svara.",
      },
      unfilledLink: {
        title: "Den här länken är ofullständig",
        body: "Meddelandet med den här länken skickades innan den fylldes i för dig, så inget sparades. Svara gärna på meddelandet för att lämna din feedback i stället.",
      },
    },
  },
  pl: {
    pageTitle: "Twoja opinia",
    thankYou: "Dziękujemy!",
    yourAnswer: "Twoja odpowiedź: {score}",
    changeAnswer: "Zmiana zdania? Wybierz inną ocenę",
    commentLabel: "Twój komentarz",
    // "Limit znaków: {max}" sidesteps Polish plural forms of "znak" for any limit.
    commentHint: "Opcjonalnie, limit znaków: {max}",
    commentTooLong: "Komentarz jest za długi. Limit znaków: {max}.",
    // The start of the comment is shown back; "limit znaków" again sidesteps plural forms.
    commentCut: "Komentarz był za długi, więc nic nie zostało zapisane. Poniżej jest jego początek (limit znaków: {max}): sprawdź go i wyślij ponownie.",
    tooLarge: "Przesłane dane były za duże, więc nic nie zostało zapisane.",
    commentUnreadable: "Części komentarza nie udało się odczytać, więc nic nie zostało zapisane. Sprawdź go poniżej i wyślij ponownie.",
    sendComment: "Wyślij komentarz",
    commentSaved: "Komentarz został zapisany.",
    done: "To wszystko — dziękujemy! Możesz zamknąć tę stronę.",
    brandAsks: "{name} prosi o Twoją opinię",
    editComment: "Edytuj komentarz",
    answerUpdated: "Twoja odpowiedź została zaktualizowana.",
    saveAnswer: "Zapisz moją odpowiedź",
    confirm: "Potwierdź",
    tryAgain: "Spróbuj ponownie",
    scoreOutOf: "{score} na {max}",
    scoreOutOfWithLabel: "{score} na {max}: {label}",
    errors: {
      expired: {
        title: "Ten link wygasł",
        body: "Linki do ankiet są ważne tylko przez ograniczony czas. Mimo to dziękujemy za chęć podzielenia się opinią.",
      },
      invalid: {
        title: "Ten link jest nieprawidłowy",
        body: "Nie rozpoznajemy tego linku. Sprawdź, czy został skopiowany w całości, lub użyj linku z najnowszej wiadomości e-mail.",
      },
      closed: {
        title: "Ta ankieta jest zamknięta",
        body: "Ankieta nie przyjmuje już odpowiedzi. Dziękujemy za zainteresowanie.",
      },
      tooManyRequests: {
        title: "Zbyt wiele żądań",
        body: "Odczekaj chwilę i spróbuj ponownie.",
      },
      serverError: {
        title: "Coś poszło nie tak",
        body: "Twoja odpowiedź mogła nie zostać zapisana. Spróbuj ponownie za chwilę.",
      },
      crossSite: {
        title: "Nic nie zostało zmienione",
        body: "Ta odpowiedź została wysłana z innej strony internetowej, więc nic nie zmieniliśmy. Aby odpowiedzieć, otwórz link z otrzymanej wiadomości e-mail.",
      },
      unfilledLink: {
        title: "Ten link jest niekompletny",
        body: "Wiadomość z tym linkiem została wysłana, zanim został on dla Ciebie uzupełniony, więc nic nie zapisano. Aby podzielić się opinią, odpowiedz na tę wiadomość.",
      },
    },
  },
};

export function messages(locale: Locale): RespondentMessages {
  return MESSAGES[locale];
}
