import type { D1Migration } from "cloudflare:test";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_SCHEMA: D1Migration[];
      /** A rate limiter of 3 requests a minute, to reach 429 quickly (vitest.config.ts). */
      TEST_LIMITER: RateLimit;
    }
  }
}
