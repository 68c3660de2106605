import { ScriptOutputError } from "../errors";
import { excerpt, isPlainObject } from "./script-output";

/**
 * Typed readers for the fields of a script's JSON line. Each names the field's path in its error, so a contract
 * break between a script and its parser says exactly which field is wrong. All failures: output-invalid.
 */
export type Json = Record<string, unknown>;

/** The largest REG_DWORD. */
export const DWORD_MAX = 0xffffffff;

function invalid(where: string, key: string, expected: string, got: unknown): never {
  const shown = typeof got === "string" ? `"${excerpt(got, 40)}"` : got === undefined ? "nothing" : excerpt(JSON.stringify(got) ?? "?", 40);
  throw new ScriptOutputError("output-invalid", `${where}.${key} must be ${expected}, got ${shown}.`);
}

/** The object has exactly these keys: none missing, none unknown (the contract is closed). */
export function expectKeys(obj: Json, keys: readonly string[], where: string): void {
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
      throw new ScriptOutputError("output-invalid", `${where}.${key} is missing.`);
    }
  }
  for (const key of Object.keys(obj)) {
    if (!keys.includes(key)) {
      throw new ScriptOutputError("output-invalid", `${where} has an unknown field "${excerpt(key, 40)}".`);
    }
  }
}

export function readBoolean(obj: Json, key: string, where: string): boolean {
  const value = obj[key];
  return typeof value === "boolean" ? value : invalid(where, key, "true or false", value);
}

export function readInt(obj: Json, key: string, where: string, min: number, max: number): number {
  const value = obj[key];
  if (typeof value === "number" && Number.isInteger(value) && value >= min && value <= max) return value;
  return invalid(where, key, `a whole number from ${min} to ${max}`, value);
}

export function readNullableInt(obj: Json, key: string, where: string, min: number, max: number): number | null {
  return obj[key] === null ? null : readInt(obj, key, where, min, max);
}

export interface StringRule {
  min?: number;
  max: number;
  pattern?: RegExp;
  describe?: string;
}

export function readString(obj: Json, key: string, where: string, rule: StringRule): string {
  const value = obj[key];
  const min = rule.min ?? 1;
  if (typeof value === "string" && value.length >= min && value.length <= rule.max && (rule.pattern?.test(value) ?? true)) {
    return value;
  }
  return invalid(where, key, rule.describe ?? `a string of ${min} to ${rule.max} characters`, value);
}

export function readEnum<T extends string>(obj: Json, key: string, where: string, values: readonly T[]): T {
  const value = obj[key];
  if (typeof value === "string" && (values as readonly string[]).includes(value)) return value as T;
  return invalid(where, key, `one of ${values.join(", ")}`, value);
}

export function readStringList(obj: Json, key: string, where: string, maxItems: number, item: StringRule): string[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length > maxItems) {
    return invalid(where, key, `a list of at most ${maxItems} strings`, value);
  }
  const holder: Json = {};
  return value.map((entry, i) => {
    holder[`${key}[${i}]`] = entry;
    return readString(holder, `${key}[${i}]`, where, item);
  });
}

export function readNullableStringList(obj: Json, key: string, where: string, maxItems: number, item: StringRule): string[] | null {
  return obj[key] === null ? null : readStringList(obj, key, where, maxItems, item);
}

export function readObjectList(obj: Json, key: string, where: string, maxItems: number): Json[] {
  const value = obj[key];
  if (!Array.isArray(value) || value.length > maxItems) {
    return invalid(where, key, `a list of at most ${maxItems} objects`, value);
  }
  return value.map((entry, i) => (isPlainObject(entry) ? entry : invalid(where, `${key}[${i}]`, "an object", entry)));
}

export function readObject(obj: Json, key: string, where: string): Json {
  const value = obj[key];
  return isPlainObject(value) ? value : invalid(where, key, "an object", value);
}
