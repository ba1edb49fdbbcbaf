/** What an API key may do. `admin` implies every other scope, as the ADMIN_TOKEN does. */
export const SCOPES = [
  "surveys:read",
  "surveys:write",
  "invitations:write",
  "responses:read",
  "responses:write",
  "metrics:read",
  "reports:read",
  "admin",
] as const;
export type Scope = (typeof SCOPES)[number];

export function grants(held: readonly Scope[], needed: Scope): boolean {
  return held.includes("admin") || held.includes(needed);
}
