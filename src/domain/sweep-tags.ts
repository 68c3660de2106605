import { InputError } from "../errors";

/** One tag condition: the tag exists (any value), or has this value. Names and values compare case-insensitively. */
export interface TagCondition {
  name: string;
  value?: string;
}

/** Which VMs a sweep covers by tag: every include name must match (one of its values); no exclude may match. */
export interface TagFilter {
  include: TagCondition[];
  exclude: TagCondition[];
}

const TAG_NAME = /^[^<>%&\\?/=,]{1,512}$/;

/**
 * Parses "env=prod,env=test,rdsh" (comma-separated; `name=value`, or `name` for any value).
 * Throws InputError naming the bad entry.
 */
export function parseTagConditions(text: string | undefined): TagCondition[] {
  if (text === undefined || text.trim() === "") return [];
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const at = entry.indexOf("=");
      const name = (at < 0 ? entry : entry.slice(0, at)).trim();
      if (!TAG_NAME.test(name)) throw new InputError("tag-filter-invalid", `"${entry.slice(0, 80)}" is not name or name=value`);
      if (at < 0) return { name };
      const value = entry.slice(at + 1).trim();
      if (value.length > 256) throw new InputError("tag-filter-invalid", `the value in "${entry.slice(0, 80)}" is longer than 256 characters`);
      return { name, value };
    });
}

function tagValue(tags: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const key = Object.keys(tags).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : tags[key];
}

function matches(tags: Readonly<Record<string, string>>, condition: TagCondition): boolean {
  const value = tagValue(tags, condition.name);
  if (value === undefined) return false;
  return condition.value === undefined || value.toLowerCase() === condition.value.toLowerCase();
}

/** Conditions on the same name are alternatives (env=prod,env=test); different names must all hold. */
export function passesTagFilter(tags: Readonly<Record<string, string>>, filter: TagFilter): boolean {
  const byName = new Map<string, TagCondition[]>();
  for (const c of filter.include) {
    const key = c.name.toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), c]);
  }
  for (const alternatives of byName.values()) {
    if (!alternatives.some((c) => matches(tags, c))) return false;
  }
  return !filter.exclude.some((c) => matches(tags, c));
}

export function formatTagConditions(conditions: readonly TagCondition[]): string {
  return conditions.map((c) => (c.value === undefined ? c.name : `${c.name}=${c.value}`)).join(",");
}
