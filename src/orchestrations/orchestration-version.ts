import type { OrchestrationContext } from "durable-functions";

/**
 * Orchestration versions. An instance is started at host.json's `extensions.durableTask.defaultVersion` and keeps
 * that version for its whole life (`context.df.version`, read from its ExecutionStarted event on every replay). A
 * worker runs only instances of its own version or older (versionMatchStrategy CurrentOrOlder), so a change to an
 * orchestrator's sequence of actions ships under a new defaultVersion and keeps the old sequence behind
 * `versionAtLeast` until no instance of the old version is left (docs/deploy.md, "Shipping a change to an
 * orchestrator"):
 *
 *     if (versionAtLeast(context, "2.0")) { ...the new sequence... } else { ...the old one, unchanged... }
 *
 * Pure and deterministic: safe in orchestrator code.
 */

/**
 * DurableTask.Core's VersioningSettings.CompareVersions, which the worker uses to match instances to its version:
 * no version (null, empty, blank) is older than any version; two versions that both parse as .NET System.Version
 * ("1.0", "2.1.3") compare component by component; anything else compares as case-insensitive (ordinal) text, where
 * "10" sorts before "9". Negative: `a` is older; zero: the same; positive: `a` is newer.
 */
export function compareOrchestrationVersions(a: string | null | undefined, b: string | null | undefined): number {
  const aEmpty = isBlank(a);
  const bEmpty = isBlank(b);
  if (aEmpty && bEmpty) return 0;
  if (aEmpty) return -1;
  if (bEmpty) return 1;
  const left = parseDotNetVersion(a as string);
  const right = parseDotNetVersion(b as string);
  if (left && right) {
    for (let i = 0; i < 4; i++) {
      const diff = (left[i] as number) - (right[i] as number);
      if (diff !== 0) return Math.sign(diff);
    }
    return 0;
  }
  return compareOrdinalIgnoreCase(a as string, b as string);
}

/** True when this instance was started at `version` or later (the new branch); false keeps the old branch. */
export function versionAtLeast(context: OrchestrationContext, version: string): boolean {
  return compareOrchestrationVersions(context.df.version, version) >= 0;
}

/**
 * The version to start a sub-orchestration at: the parent's own, so that a parent in flight (a sweep half done)
 * runs its children on the same version's logic after a deployment. Unversioned parents leave it to the worker.
 */
export function childVersion(context: OrchestrationContext): string | undefined {
  const version = context.df.version;
  return isBlank(version) ? undefined : version;
}

// String.IsNullOrWhiteSpace, with .NET's whitespace.
function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || /^[\s\u0085]*$/.test(value);
}

const NUMBER_WHITE = "[\\t\\n\\v\\f\\r ]*";
const COMPONENT = new RegExp(`^${NUMBER_WHITE}[+-]?\\d+${NUMBER_WHITE}$`);
const INT32_MAX = 2_147_483_647;

/**
 * System.Version.TryParse: 2 to 4 dot-separated components, each an Int32 (NumberStyles.Integer: surrounding white
 * space and a sign allowed) that is not negative. Missing build and revision are -1, so "1.0" < "1.0.0".
 */
function parseDotNetVersion(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length < 2 || parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    if (!COMPONENT.test(part)) return undefined;
    const value = Number(part);
    if (value < 0 || value > INT32_MAX) return undefined;
    numbers.push(Math.abs(value)); // "-0" is 0
  }
  const [major, minor, build = -1, revision = -1] = numbers as [number, number, number?, number?];
  return [major, minor, build, revision];
}

// string.Compare(a, b, StringComparison.OrdinalIgnoreCase): UTF-16 code units, each upper-cased on its own.
function compareOrdinalIgnoreCase(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = upper(a.charCodeAt(i)) - upper(b.charCodeAt(i));
    if (diff !== 0) return Math.sign(diff);
  }
  return Math.sign(a.length - b.length);
}

function upper(code: number): number {
  const mapped = String.fromCharCode(code).toUpperCase();
  return mapped.length === 1 ? mapped.charCodeAt(0) : code;
}
