import { ScenarioError } from "./errors";

/** Small typed readers for validating JSON input; each error names the field. */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function requireString(obj: Record<string, unknown>, key: string, at: string): string {
  const value = obj[key];
  if (typeof value !== "string" || value.length === 0) throw new ScenarioError(`${at}.${key}`, "must be a non-empty string");
  return value;
}

export function optionalString(obj: Record<string, unknown>, key: string, at: string): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.length === 0) throw new ScenarioError(`${at}.${key}`, "must be a non-empty string when present");
  return value;
}

export function optionalBoolean(obj: Record<string, unknown>, key: string, at: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new ScenarioError(`${at}.${key}`, "must be true or false when present");
  return value;
}

export function optionalNumber(obj: Record<string, unknown>, key: string, at: string): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ScenarioError(`${at}.${key}`, "must be a number when present");
  return value;
}

export function requireNumber(obj: Record<string, unknown>, key: string, at: string): number {
  const value = obj[key];
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ScenarioError(`${at}.${key}`, "must be a number");
  return value;
}

export function requireBoolean(obj: Record<string, unknown>, key: string, at: string): boolean {
  const value = obj[key];
  if (typeof value !== "boolean") throw new ScenarioError(`${at}.${key}`, "must be true or false");
  return value;
}

export function stringRecord(value: unknown, at: string): Record<string, string> {
  if (!isRecord(value)) throw new ScenarioError(at, "must be an object of strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw new ScenarioError(`${at}.${k}`, "must be a string");
    out[k] = v;
  }
  return out;
}

export function isIsoTime(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value));
}
