/**
 * WCAG 2.1 contrast, measured in the page as laid out: source text for `page.evaluate`, as this
 * project compiles without the DOM's types. A text's ratio is between its colour and its effective
 * background, the element's own and its ancestors' composited from the page down; large text (24 px,
 * or 18.66 px bold) needs 3:1, other text 4.5:1.
 */
export const CONTRAST_FUNCTIONS = `
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return [0, 0, 0, 0]; const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
  const background = (el) => {
    const layers = [];
    for (let n = el; n && n.nodeType === 1; n = n.parentElement) layers.push(parse(getComputedStyle(n).backgroundColor));
    let colour = matchMedia("(prefers-color-scheme: dark)").matches ? [0, 0, 0, 1] : [255, 255, 255, 1];
    for (const layer of layers.reverse()) if (layer[3] > 0) colour = over(layer, colour);
    return colour;
  };
  const lum = (c) => { const [r, g, b] = c.slice(0, 3).map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x); return (hi + 0.05) / (lo + 0.05); };
  /** The text of a visible element below what it needs, as { text, ratio, need, color, background }; null when it is enough. */
  const lowContrastOf = (el, text) => {
    const style = getComputedStyle(el);
    const inSvg = el instanceof SVGElement;
    const fg = parse(inSvg ? style.fill : style.color);
    const bg = background(inSvg ? el.closest("svg").parentElement : el);
    const size = parseFloat(style.fontSize), weight = Number(style.fontWeight) || 400;
    const large = !inSvg && (size >= 24 || (size >= 18.66 && weight >= 700));
    const need = large ? 3 : 4.5;
    const r = ratio(over(fg, bg), bg);
    return r < need ? { text: text.slice(0, 60), ratio: Math.round(r * 100) / 100, need, color: style.color + " / " + style.fill, background: bg.join(",") } : null;
  };
`;

export interface LowContrast {
  text: string;
  ratio: number;
  need: number;
  color: string;
  background: string;
}

/** Every visible text of the page (form controls' values included) below the contrast it needs. */
export const LOW_CONTRAST_TEXT = `(() => {
  ${CONTRAST_FUNCTIONS}
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest("title, desc, style, script") || el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const low = lowContrastOf(el, text);
    if (low) found.push(low);
  }
  for (const field of document.querySelectorAll("textarea, input:not([type=hidden])")) {
    if (field.value && field.getClientRects().length > 0) { const low = lowContrastOf(field, field.value); if (low) found.push(low); }
  }
  return found;
})()`;
