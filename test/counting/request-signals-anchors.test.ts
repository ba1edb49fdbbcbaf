import { describe, expect, it } from "vitest";
import { classifyUserAgent } from "../../functions/counting/request-signals";

// Where in a User-Agent a word counts: tool names only as the leading product, the browser form only
// from the start. A person's tap from an app whose name contains a tool's name still counts.
describe("classifyUserAgent anchors", () => {
  it("keeps a browser a browser when a tool's name appears later in its User-Agent", () => {
    // An Android WebView inside an app whose name contains "rust", "dart", "php", "ruby", "curl".
    for (const app of ["RuStore/1.9", "Dartmouth/2.0", "PhpStormHelp/1.0", "RubyRewards/4.1", "CurlyHair/3.0", "Nodeo/1.2", "Pythonista/3.4"]) {
      const ua = `Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36 ${app}`;
      expect(classifyUserAgent(ua), app).toBe("browser");
    }
  });

  it("does not take a client that only quotes a browser's form later on for a browser", () => {
    expect(classifyUserAgent("AcmeFetcher/3.1 Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")).toBe("tool");
    expect(classifyUserAgent(" Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe("browser"); // trimmed first
  });

  it("takes 'bot' only as a product token: a name ending in bot at the very end is a crawler", () => {
    expect(classifyUserAgent("Mozilla/5.0 (compatible) AcmeBot")).toBe("bot");
    expect(classifyUserAgent("AcmeBot-Preview/1.0")).toBe("bot");
    expect(classifyUserAgent("AcmeBot; +https://example.com")).toBe("bot");
    expect(classifyUserAgent("Mozilla/5.0 (Linux; Android 12; ABOTX S1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36")).toBe("browser");
  });
});
