import { describe, expect, it } from "vitest";
import type { Locale } from "../../functions/i18n/locales";
import { messageTexts, renderMessage, type MessageTexts } from "../../functions/sending/message";
import type { Survey } from "../../functions/surveys/survey-input";
import { surveyOf } from "../helpers/survey";

const survey = surveyOf;

const ORIGIN = "https://feedback.example.com";
const TOKEN = "AQIAbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbC";
const UNSUBSCRIBE = `${ORIGIN}/r/${TOKEN}/unsubscribe`;

function linksFor(s: Survey): Record<number, string> {
  const links: Record<number, string> = {};
  for (let score = s.scale.min; score <= s.scale.max; score++) links[score] = `${ORIGIN}/r/${TOKEN}/${score}`;
  return links;
}

const FROM = "Acme <surveys@acme.example>";

function render(s: Survey, locale: Locale, name: string | null, emailFrom = FROM) {
  const texts = messageTexts({ survey: s, locale, name, emailFrom });
  return { texts, message: renderMessage({ survey: s, texts, to: "anna@example.com", links: linksFor(s), unsubscribeUrl: UNSUBSCRIBE }) };
}

interface Expected {
  subject: string;
  introWithName: string;
  intro: string;
  reason: string;
  prompt: string;
  unsubscribe: string;
  hint: string;
  question: string;
}

const EXPECTED: Record<Locale, Expected> = {
  en: {
    subject: "A quick question from Acme",
    introWithName: "Hi Anna, we would love to hear what you think. Just choose a score below: one click is all it takes.",
    intro: "We would love to hear what you think. Just choose a score below: one click is all it takes.",
    reason: "You received this email because you have been in contact with Acme.",
    prompt: "Don’t want to receive these surveys?",
    unsubscribe: "Unsubscribe",
    hint: "To answer, open the link next to your score:",
    question: "How likely are you to recommend us to a friend or colleague?",
  },
  nl: {
    subject: "Een korte vraag van Acme",
    introWithName: "Hallo Anna, we horen graag wat u ervan vindt. Kies hieronder een score: één klik is genoeg.",
    intro: "We horen graag wat u ervan vindt. Kies hieronder een score: één klik is genoeg.",
    reason: "U ontvangt deze e-mail omdat u contact hebt gehad met Acme.",
    prompt: "Wilt u deze enquêtes niet meer ontvangen?",
    unsubscribe: "Afmelden",
    hint: "Open de link bij uw score om te antwoorden:",
    question: "Hoe waarschijnlijk is het dat u ons aanbeveelt aan een vriend of collega?",
  },
  de: {
    subject: "Eine kurze Frage von Acme",
    introWithName: "Hallo Anna, Ihre Meinung ist uns wichtig. Wählen Sie einfach unten eine Bewertung aus: Ein Klick genügt.",
    intro: "Ihre Meinung ist uns wichtig. Wählen Sie einfach unten eine Bewertung aus: Ein Klick genügt.",
    reason: "Sie erhalten diese E-Mail, weil Sie mit Acme in Kontakt standen.",
    prompt: "Sie möchten keine solchen Umfragen mehr erhalten?",
    unsubscribe: "Abmelden",
    hint: "Öffnen Sie zum Antworten den Link neben Ihrer Bewertung:",
    question: "Wie wahrscheinlich ist es, dass Sie uns einem Freund oder Kollegen empfehlen?",
  },
  sv: {
    subject: "En snabb fråga från Acme",
    introWithName: "Hej Anna! Vi vill gärna veta vad du tycker. Välj ett betyg nedan – det räcker med ett klick.",
    intro: "Hej! Vi vill gärna veta vad du tycker. Välj ett betyg nedan – det räcker med ett klick.",
    reason: "Du får det här mejlet eftersom du har varit i kontakt med Acme.",
    prompt: "Vill du inte få fler sådana här enkäter?",
    unsubscribe: "Avregistrera dig",
    hint: "Öppna länken vid ditt betyg för att svara:",
    question: "Hur troligt är det att du skulle rekommendera oss till en vän eller kollega?",
  },
  pl: {
    subject: "Acme ma do Ciebie krótkie pytanie",
    introWithName: "Cześć Anna! Chcemy poznać Twoją opinię. Wybierz ocenę poniżej – wystarczy jedno kliknięcie.",
    intro: "Cześć! Chcemy poznać Twoją opinię. Wybierz ocenę poniżej – wystarczy jedno kliknięcie.",
    reason: "Nadawca: Acme. Otrzymujesz tę wiadomość w związku z wcześniejszym kontaktem z nadawcą.",
    prompt: "Nie chcesz otrzymywać takich ankiet?",
    unsubscribe: "Wypisz się",
    hint: "Aby odpowiedzieć, otwórz link przy wybranej ocenie:",
    question: "Jak prawdopodobne jest, że polecisz nas znajomemu lub współpracownikowi?",
  },
};

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe("messageTexts and renderMessage", () => {
  it.each(Object.entries(EXPECTED) as [Locale, Expected][])("speak %s: subject, intro with and without a name, footer, text labels", (locale, expected) => {
    const nps = survey("nps");
    const named = render(nps, locale, "Anna");
    expect(named.texts).toEqual({
      from: { email: "surveys@acme.example", name: "Acme" },
      reply_to: null,
      subject: expected.subject,
      intro: expected.introWithName,
      locale,
      name: "Anna",
    });
    expect(named.message.subject).toBe(expected.subject);
    const anonymous = render(nps, locale, null);
    expect(anonymous.texts.intro).toBe(expected.intro);
    expect(anonymous.texts.name).toBeNull();

    const { html, text } = named.message;
    expect(html.startsWith(`<!DOCTYPE html>\n<html lang="${locale}" dir="ltr">\n<head>\n<meta charset="utf-8">\n`)).toBe(true);
    expect(html).toContain(`<title>${expected.subject}</title>`);
    expect(html).toContain(`>${expected.introWithName}</td>`);
    expect(html).toContain(`${expected.reason}<br>${expected.prompt} <a href="${UNSUBSCRIBE}" style="text-decoration:underline;">${expected.unsubscribe}</a>`);
    expect(text.startsWith(`${expected.introWithName}\n\n${expected.hint}\n\n${expected.question}\n\n`)).toBe(true);
    expect(text.endsWith(`\n-- \n${expected.reason}\n${expected.prompt}\n${expected.unsubscribe}: ${UNSUBSCRIBE}\n`)).toBe(true);
  });

  it("render a whole email document around the one-tap block", () => {
    const { message } = render(survey("nps"), "en", "Anna");
    const { html } = message;
    expect(html).toContain('<meta name="color-scheme" content="light dark">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.endsWith("</body>\n</html>\n")).toBe(true);
    expect(html).toContain('style="border-collapse:collapse;width:100%;max-width:560px;"');
    expect(html).not.toMatch(/<script|<style|<img| class=/i);
    expect(count(html, "<table")).toBe(count(html, "</table>"));
    expect(count(html, "<tr")).toBe(count(html, "</tr>"));
    expect(count(html, "<td")).toBe(count(html, "</td>"));
    // The eleven scores, the hidden link only scanners follow (functions/respondent/honeypot.ts) and the unsubscribe link; nothing else is a link.
    expect(count(html, "<a ")).toBe(13);
    // Nothing but Outlook for Windows' own tables (conditional comments) is given a width in pixels: it fits a 320 px screen.
    const outsideOutlook = html.replace(/<!--\[if mso\]>.*?<!\[endif\]-->/g, "");
    expect(count(html, "<!--[if mso]>")).toBe(4);
    expect([...outsideOutlook.matchAll(/ width="([^"]*)"/g)].map((match) => match[1]!).filter((width) => !width.endsWith("%"))).toEqual([]);
    expect(outsideOutlook).not.toMatch(/[^-]width:\s*\d+px/);
  });

  it("put every score link and the unsubscribe link in the text part, one per line", () => {
    const csat = survey("csat");
    const { message } = render(csat, "en", null);
    expect(message.text).toBe(
      "We would love to hear what you think. Just choose a score below: one click is all it takes.\n" +
        "\n" +
        "To answer, open the link next to your score:\n" +
        "\n" +
        "How satisfied are you with our service?\n" +
        "\n" +
        `1 – Very dissatisfied: ${ORIGIN}/r/${TOKEN}/1\n` +
        `2 – Dissatisfied: ${ORIGIN}/r/${TOKEN}/2\n` +
        `3 – Neutral: ${ORIGIN}/r/${TOKEN}/3\n` +
        `4 – Satisfied: ${ORIGIN}/r/${TOKEN}/4\n` +
        `5 – Very satisfied: ${ORIGIN}/r/${TOKEN}/5\n` +
        "\n" +
        "-- \n" +
        "You received this email because you have been in contact with Acme.\n" +
        "Don’t want to receive these surveys?\n" +
        `Unsubscribe: ${ORIGIN}/r/${TOKEN}/unsubscribe\n`,
    );
    const nps = render(survey("nps"), "en", null).message;
    for (let score = 0; score <= 10; score++) expect(count(nps.text, `/r/${TOKEN}/${score}\n`), `score ${score}`).toBe(1);
  });

  it("carry the one-click unsubscribe headers of RFC 8058 and nothing else", () => {
    const { message } = render(survey("ces"), "de", "Anna");
    expect(message.headers).toEqual({
      "List-Unsubscribe": `<${ORIGIN}/r/${TOKEN}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    });
    expect(message.to).toBe("anna@example.com");
    expect(message.from).toEqual({ email: "surveys@acme.example", name: "Acme" });
    expect(message.replyTo).toBeNull();
  });

  it("take the survey's sender name and reply-to over EMAIL_FROM's name, and the survey's name when EMAIL_FROM has none", () => {
    const own = survey("csat", { email: { sender_name: "Anna at Acme", reply_to: "help@acme.example", subject: {}, intro: {} } });
    const { texts, message } = render(own, "en", null);
    expect(texts.from).toEqual({ email: "surveys@acme.example", name: "Anna at Acme" });
    expect(texts.subject).toBe("A quick question from Anna at Acme");
    expect(message.replyTo).toBe("help@acme.example");
    expect(message.html).toContain("You received this email because you have been in contact with Anna at Acme.");
    const bare = render(survey("csat"), "en", null, "surveys@acme.example").texts;
    expect(bare.from).toEqual({ email: "surveys@acme.example", name: "Support desk" });
    expect(bare.subject).toBe("A quick question from Support desk");
    expect(render(survey("csat"), "en", null, '"Acme, Inc." <surveys@acme.example>').texts.from).toEqual({ email: "surveys@acme.example", name: "Acme, Inc." });
  });

  it("refuse an EMAIL_FROM that is no address, and an unsubscribe link that is not http(s)", () => {
    expect(() => messageTexts({ survey: survey("csat"), locale: "en", name: null, emailFrom: "Acme" })).toThrow(/EMAIL_FROM/);
    expect(() => messageTexts({ survey: survey("csat"), locale: "en", name: null, emailFrom: "" })).toThrow(/EMAIL_FROM/);
    const s = survey("csat");
    const texts = messageTexts({ survey: s, locale: "en", name: null, emailFrom: FROM });
    expect(() => renderMessage({ survey: s, texts, to: "a@example.com", links: linksFor(s), unsubscribeUrl: "javascript:alert(1)" })).toThrow(/unsubscribe/);
  });

  it("fill {{name}} in the survey's own subject and intro", () => {
    const s = survey("csat", {
      email: { sender_name: null, reply_to: null, subject: { en: "{{name}}, how did we do?" }, intro: { en: "Hi {{ name }}, thanks for calling us today." } },
    });
    const named = render(s, "en", "Anna").texts;
    expect(named.subject).toBe("Anna, how did we do?");
    expect(named.intro).toBe("Hi Anna, thanks for calling us today.");
    // A name is text, never a replacement pattern.
    expect(render(s, "en", "$& $' $1").texts.subject).toBe("$& $' $1, how did we do?");
  });

  it("leave no {{name}}, no 'Hi ,' and no leading comma when the name is missing or blank", () => {
    const s = survey("csat", {
      email: { sender_name: null, reply_to: null, subject: { en: "{{name}}, how did we do?" }, intro: { en: "Hi {{name}} , thanks for calling us, {{name}}!" } },
    });
    for (const name of [null, "", "   "]) {
      const texts = render(s, "en", name).texts;
      expect(texts.subject).toBe("How did we do?");
      expect(texts.intro).toBe("Hi, thanks for calling us!");
      expect(texts.name).toBeNull();
    }
    expect(render(survey("csat"), "en", "  ").texts.intro).toBe(EXPECTED.en.intro);
    const onlyName = survey("csat", { email: { sender_name: null, reply_to: null, subject: { en: "{{name}}" }, intro: { en: "{{ name }}!" } } });
    expect(render(onlyName, "en", null).texts).toMatchObject({ subject: "A quick question from Acme", intro: EXPECTED.en.intro });
    expect(render(onlyName, "en", "Anna").texts).toMatchObject({ subject: "Anna", intro: "Anna!" });
  });

  it("use the survey's own wording in its language when the person's is missing, as its question does", () => {
    const s = survey("csat", {
      locale: "nl",
      question: { nl: "Hoe was ons gesprek?" },
      email: { sender_name: null, reply_to: null, subject: { nl: "Een vraag over uw gesprek" }, intro: { nl: "Beste {{name}}, bedankt voor uw telefoontje." } },
    });
    const { texts, message } = render(s, "sv", "Anna");
    expect(texts.subject).toBe("Een vraag over uw gesprek");
    expect(texts.intro).toBe("Beste Anna, bedankt voor uw telefoontje.");
    expect(message.text).toContain("Hoe was ons gesprek?\n");
    // The frame around it is in the person's language.
    expect(message.text).toContain("Avregistrera dig: ");
    const de = render(survey("csat", { email: { ...s.email, subject: { sv: "Sv" } } }), "de", null).texts;
    expect(de.subject).toBe("Eine kurze Frage von Acme");
  });

  it("escape everything the survey and the person wrote", () => {
    const hostile = survey("csat", {
      name: "Support",
      question: { en: `<script>alert("q")</script> How was it?` },
      email: {
        sender_name: `Acme "<b>bold</b>"`,
        reply_to: null,
        subject: { en: `Hello <i>{{name}}</i> & "friends"` },
        intro: { en: `<img src=x onerror='alert(1)'> Hi {{name}}` },
      },
    });
    const { message } = render(hostile, "en", `<a href="https://evil.example">Anna</a>`);
    const { html } = message;
    expect(html).not.toMatch(/<script|<img|<b>|<i>|evil\.example">/);
    expect(html).toContain("<title>Hello &lt;i&gt;&lt;a href=&quot;https://evil.example&quot;&gt;Anna&lt;/a&gt;&lt;/i&gt; &amp; &quot;friends&quot;</title>");
    expect(html).toContain(">&lt;img src=x onerror=&#39;alert(1)&#39;&gt; Hi &lt;a href=&quot;https://evil.example&quot;&gt;Anna&lt;/a&gt;</td>");
    expect(html).toContain("&lt;script&gt;alert(&quot;q&quot;)&lt;/script&gt; How was it?");
    expect(html).toContain("in contact with Acme &quot;&lt;b&gt;bold&lt;/b&gt;&quot;.<br>");
    // The text part is plain text: shown as written.
    expect(message.text.startsWith(`<img src=x onerror='alert(1)'> Hi <a href="https://evil.example">Anna</a>\n`)).toBe(true);
    // Five scores, the hidden link only scanners follow and the unsubscribe link: none from the survey's texts.
    expect(count(html, "<a ")).toBe(7);
  });

  it("keep the subject and every header one line, even from stored texts that have line breaks", () => {
    const s = survey("csat");
    const stored: MessageTexts = {
      from: { email: "surveys@acme.example", name: "Acme\r\nBcc: victim@example.com" },
      reply_to: "help@acme.example\r\nBcc: victim@example.com",
      subject: "Hello\r\nBcc: victim@example.com\n\nbody",
      intro: "Line one\nline two",
      locale: "en",
      name: null,
    };
    const message = renderMessage({ survey: s, texts: stored, to: "anna@example.com\r\nCc: x@example.com", links: linksFor(s), unsubscribeUrl: UNSUBSCRIBE });
    expect(message.subject).toBe("Hello Bcc: victim@example.com body");
    expect(message.from.name).toBe("Acme Bcc: victim@example.com");
    expect(message.replyTo).toBe("help@acme.example Bcc: victim@example.com");
    expect(message.to).toBe("anna@example.com Cc: x@example.com");
    expect(message.text.startsWith("Line one line two\n\n")).toBe(true);
    for (const value of [message.subject, message.from.name, message.from.email, message.to, message.replyTo!, ...Object.values(message.headers)]) {
      expect(value).not.toMatch(/[\r\n]/);
    }
    const fresh = messageTexts({ survey: s, locale: "en", name: "Anna\r\nBcc: victim@example.com", emailFrom: "Acme\n <surveys@acme.example>" });
    expect(fresh.name).toBe("Anna Bcc: victim@example.com");
    expect(fresh.from).toEqual({ email: "surveys@acme.example", name: "Acme" });
    expect(fresh.subject).not.toMatch(/[\r\n]/);
  });
});
