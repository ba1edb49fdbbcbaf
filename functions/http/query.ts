import type { IRequest } from "itty-router";
import { badRequest } from "./errors";

/** One value of a query parameter; a parameter given twice is ambiguous and refused. */
export function queryParam(request: IRequest, name: string): string | undefined {
  const value = request.query[name];
  if (Array.isArray(value)) throw badRequest("invalid_query", `${name}: give this parameter once.`, name);
  return value ?? undefined;
}

export function queryInt(request: IRequest, name: string, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
  const raw = queryParam(request, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw badRequest("invalid_query", `${name}: must be an integer from ${min} to ${max}.`, name);
  }
  return Number(raw);
}

export function queryBool(request: IRequest, name: string): boolean {
  const raw = queryParam(request, name);
  if (raw === undefined || raw === "false" || raw === "0") return false;
  if (raw === "true" || raw === "1") return true;
  throw badRequest("invalid_query", `${name}: must be true or false.`, name);
}
