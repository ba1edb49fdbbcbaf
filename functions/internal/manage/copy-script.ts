/**
 * The one script of the internal pages: a Copy button beside every `textarea[data-copy]`. Without it
 * the text stays selectable in its read-only box; with it, a button (keyboard-usable, named "Copy",
 * described by the box's label) puts the text on the clipboard, says "Copied", and a status region
 * announces it. The internal Content-Security-Policy allows exactly this text by its hash
 * (COPY_SCRIPT_HASH, functions/internal/gate.ts): any other script, and any change to this one
 * without a new hash, is refused. test/manage/copy-script.test.ts proves the hash.
 */
export const COPY_SCRIPT = `(() => {
  const boxes = document.querySelectorAll("textarea[data-copy]");
  if (boxes.length === 0) return;
  const live = document.createElement("p");
  live.setAttribute("role", "status");
  live.style.cssText = "position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap";
  document.querySelector("main").append(live);
  const buttons = [];
  const copy = async (box) => {
    try {
      await navigator.clipboard.writeText(box.value);
      return true;
    } catch {
      box.focus();
      box.select();
      return document.execCommand("copy");
    }
  };
  for (const box of boxes) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Copy";
    button.setAttribute("aria-describedby", box.id + "-label");
    const holder = document.createElement("p");
    holder.append(button);
    box.after(holder);
    buttons.push(button);
    button.addEventListener("click", async () => {
      for (const other of buttons) other.textContent = "Copy";
      const done = await copy(box);
      button.focus();
      button.textContent = done ? "Copied" : "Copy";
      live.textContent = done ? "Copied: " + box.labels[0].textContent : "Could not copy: select the text in the box and copy it.";
    });
  }
})();`;

/** CSP source of COPY_SCRIPT: base64 of its SHA-256, as `script-src` takes it. */
export const COPY_SCRIPT_HASH = "'sha256-o5WKBHzw3HhO7Rro9L8dG3RRdzhBuL2SXVUgnwW76jU='";

/** The script element every page with copyable boxes ends with. */
export const copyScriptTag = (): string => `<script>${COPY_SCRIPT}</script>`;
