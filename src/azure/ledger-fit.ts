/**
 * Fitting a run's parts into Table storage limits: a string property holds at most 32K UTF-16 code units
 * (64 KiB), an entity at most 1 MiB. Lists are stored as JSON strings; when one is too long it is shortened
 * step by step so that it stays valid JSON and says what was cut.
 */
import type { StepResult } from "../domain/run-record";

/** Below the 32,768 code units a string property may hold, leaving room for nothing else to matter. */
export const MAX_PROPERTY_CHARS = 32_000;

export interface Fitted<T> {
  items: T[];
  json: string;
  truncated: boolean;
}

/**
 * The list as JSON within maxChars: as it is when it fits; else each shrinker in turn applied to every item;
 * else the longest prefix of the most shrunk items that fits.
 */
export function fitList<T>(items: T[], maxChars: number, shrinkers: Array<(item: T, share: number) => T> = []): Fitted<T> {
  let current = items;
  let json = JSON.stringify(current);
  if (json.length <= maxChars) return { items: current, json, truncated: false };
  const share = Math.floor(maxChars / Math.max(1, items.length));
  for (const shrink of shrinkers) {
    current = items.map((item) => shrink(item, share));
    json = JSON.stringify(current);
    if (json.length <= maxChars) return { items: current, json, truncated: true };
  }
  let kept = current.length;
  while (kept > 0 && JSON.stringify(current.slice(0, kept)).length > maxChars) kept = Math.floor(kept * 0.9);
  const prefix = current.slice(0, kept);
  return { items: prefix, json: JSON.stringify(prefix), truncated: true };
}

/** At most maxChars code units, never ending inside a surrogate pair. */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = Math.max(0, maxChars);
  const last = text.charCodeAt(end - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? end - 1 : end);
}

/** A value whose JSON exceeds maxChars becomes a marker with the start of that JSON. */
export function shrinkValue(value: Record<string, unknown>, maxChars: number): Record<string, unknown> {
  const json = JSON.stringify(value) ?? "";
  if (json.length <= maxChars) return value;
  return { truncated: true, originalChars: json.length, preview: cutText(json, Math.max(0, maxChars - 80)) };
}

/** First pass for step results: before, after and error share the step's part of the budget. */
export function shrinkStepValues(step: StepResult, share: number): StepResult {
  const budget = Math.max(0, Math.floor((share - 300) / 3));
  const before = shrinkValue(step.before, budget);
  const after = shrinkValue(step.after, budget);
  const error = step.error === undefined ? undefined : cutText(step.error, budget);
  const cut = before !== step.before || after !== step.after || error !== step.error;
  if (!cut) return step;
  return { ...step, before, after, ...(error === undefined ? {} : { error }), truncated: true };
}

/** Last pass for step results: keep what was done and how it ended, drop the values. */
export function dropStepValues(step: StepResult): StepResult {
  return {
    ...step,
    before: { truncated: true },
    after: { truncated: true },
    ...(step.error === undefined ? {} : { error: cutText(step.error, 200) }),
    truncated: true,
  };
}

/** For lists of sentences (cause details, human actions). */
export function shrinkText(maxChars: number) {
  return (text: string): string => cutText(text, maxChars);
}
