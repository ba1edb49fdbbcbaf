/**
 * The embeddable badge: "CSAT 92% · 1,204 answers · 90 days" as a small static SVG with an accessible
 * <title>. Suppressed surveys say "not enough answers". Pure: text in, SVG text out; every piece of
 * text is XML-escaped.
 */
import { formatCount, formatValue, METRIC_NAME } from "./format";
import type { SurveyReport } from "./report-view";

const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A rough text width for 11px Verdana-like type; the badge needs no font metrics to be readable. */
const textWidth = (text: string) => Math.ceil([...text].length * 6.6) + 12;

export function badgeText(report: SurveyReport): { label: string; message: string } {
  const label = METRIC_NAME[report.metric];
  const { headline, window } = report;
  if (headline.suppressed || headline.value === null) {
    return { label, message: headline.suppressed ? "not enough answers" : "no answers yet" };
  }
  const answers = headline.n === 1 ? "answer" : "answers";
  return { label, message: `${formatValue(headline.value, report.ctx)} · ${formatCount(headline.n)} ${answers} · ${window.days} days` };
}

export function badgeSvg(report: SurveyReport): string {
  const { label, message } = badgeText(report);
  const lw = textWidth(label);
  const mw = textWidth(message);
  const width = lw + mw;
  const title = escapeXml(`${report.name}: ${label} ${message}`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" viewBox="0 0 ${width} 20" role="img" aria-labelledby="t">`,
    `<title id="t">${title}</title>`,
    `<rect width="${lw}" height="20" rx="3" fill="#24292f"/>`,
    `<rect x="${lw - 3}" width="${mw + 3}" height="20" rx="3" fill="#0b6bcb"/>`,
    `<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">`,
    `<text x="${lw / 2}" y="14">${escapeXml(label)}</text>`,
    `<text x="${lw + mw / 2}" y="14">${escapeXml(message)}</text>`,
    `</g></svg>`,
  ].join("");
}

const escapeAttribute = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The site's origin for embed code: the export's public_url, else the build's `site` setting; null when neither is known. */
export function embedOrigin(publicUrl: string | null, site: URL | undefined): string | null {
  for (const candidate of [publicUrl, site?.href]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === "https:" || url.protocol === "http:") return url.origin;
    } catch {
      // not a URL: try the next
    }
  }
  return null;
}

/**
 * The embed code for a survey's badge: an image linked to its page, with absolute URLs so it works
 * pasted anywhere. Without a known origin the paths stay relative (and the page says so).
 */
export function badgeEmbed(report: SurveyReport, origin: string | null): { src: string; href: string; code: string } {
  const base = origin ?? "";
  const src = `${base}/s/${encodeURIComponent(report.id)}/badge.svg`;
  const href = `${base}/s/${encodeURIComponent(report.id)}/`;
  const { label, message } = badgeText(report);
  const alt = `${report.name}: ${label} ${message}`;
  return { src, href, code: `<a href="${escapeAttribute(href)}"><img src="${escapeAttribute(src)}" alt="${escapeAttribute(alt)}" height="20"></a>` };
}
