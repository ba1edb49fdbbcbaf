import { fileURLToPath } from "node:url";
import { defineConfig } from "astro/config";

// A fully static site: the Worker serves site/dist through Workers Static Assets. Every chart is
// SVG computed at build time; pages ship no JavaScript. The loader (src/lib/load-report.ts) reads
// the local D1 through the Worker's own wrangler.toml, found next to this folder.
export default defineConfig({
  output: "static",
  outDir: "./dist",
  trailingSlash: "ignore",
  build: { format: "directory", inlineStylesheets: "always" },
  devToolbar: { enabled: false },
  telemetry: false,
  vite: {
    define: {
      __TAPSCORE_WRANGLER_CONFIG__: JSON.stringify(fileURLToPath(new URL("../wrangler.toml", import.meta.url))),
    },
  },
});
