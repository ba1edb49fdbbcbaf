import { defineConfig } from "astro/config";

// A fully static site: the Worker serves site/dist through Workers Static Assets.
export default defineConfig({
  output: "static",
  outDir: "./dist",
  trailingSlash: "ignore",
  build: { format: "directory", inlineStylesheets: "always" },
  devToolbar: { enabled: false },
  telemetry: false,
});
