import { parseLinkSecrets, type LinkSecrets } from "./token";

let cache: { raw: string; secrets: LinkSecrets } | null = null;

/** LINK_SECRET parsed once per isolate (and again only if the value changes). */
export function linkSecrets(env: Pick<Env, "LINK_SECRET">): LinkSecrets {
  if (cache?.raw !== env.LINK_SECRET) cache = { raw: env.LINK_SECRET, secrets: parseLinkSecrets(env.LINK_SECRET) };
  return cache.secrets;
}
