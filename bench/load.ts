/**
 * A small closed-loop HTTP load generator: `concurrency` clients, each sending its next request as
 * soon as the last one is answered, until `count` requests are done. 127.0.0.1 only.
 */
export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50ms: number;
  p99ms: number;
  statuses: Record<string, number>;
}

export async function runLoad(urlOf: (i: number) => string, count: number, concurrency: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const client = async () => {
    for (let i = next++; i < count; i = next++) {
      const url = urlOf(i);
      if (!url.startsWith("http://127.0.0.1:")) throw new Error(`the bench only loads 127.0.0.1, not ${url}`);
      const t = performance.now();
      let status = "error";
      try {
        const response = await fetch(url, { headers: BROWSER });
        await response.arrayBuffer();
        status = String(response.status);
      } catch {
        // counted as "error"
      }
      latencies.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { requests: count, seconds, perSecond: count / seconds, p50ms: at(0.5), p99ms: at(0.99), statuses };
}

/** A person's browser following a link from a mail app: counted by the counting rule. */
export const BROWSER = {
  "user-agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
  "accept-language": "en-GB,en;q=0.9",
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": "none",
  "sec-fetch-dest": "document",
  "sec-fetch-user": "?1",
};
