/**
 * Orchestration versioning as the Durable extension configures it from host.json (`extensions.durableTask`:
 * defaultVersion, versionMatchStrategy, versionFailureStrategy) and DurableTask.Core's TaskOrchestrationDispatcher
 * applies it: before a worker runs an orchestration work item it compares the instance's version with its own
 * defaultVersion; on a mismatch it either abandons the work item (Reject: the messages stay queued for a compatible
 * worker) or fails the instance (Fail: FailureDetails "VersionMismatch").
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareOrchestrationVersions } from "../../src/orchestrations/orchestration-version";

export const VERSION_MATCH_STRATEGIES = ["None", "Strict", "CurrentOrOlder"] as const;
export const VERSION_FAILURE_STRATEGIES = ["Reject", "Fail"] as const;
export type VersionMatchStrategy = (typeof VERSION_MATCH_STRATEGIES)[number];
export type VersionFailureStrategy = (typeof VERSION_FAILURE_STRATEGIES)[number];

export interface VersioningSettings {
  /** The version new instances (and sub-orchestrations started without one) get; "" when unset. */
  defaultVersion: string;
  matchStrategy: VersionMatchStrategy;
  failureStrategy: VersionFailureStrategy;
}

/** The extension's defaults: no version, CurrentOrOlder, Reject. */
export const DEFAULT_VERSIONING: VersioningSettings = { defaultVersion: "", matchStrategy: "CurrentOrOlder", failureStrategy: "Reject" };

/** DurableTask.Core's failure when a worker under the Fail strategy meets an instance of another version. */
export const VERSION_MISMATCH = { errorType: "VersionMismatch", message: "Orchestration version did not comply with Worker Versioning" } as const;

/** The app setting prefix the Functions host overlays on host.json (`AzureFunctionsJobHost__path__to__key`). */
const OVERRIDE_PREFIX = "AzureFunctionsJobHost__extensions__durableTask__";

/**
 * The versioning settings of the function app in `appDirectory`, as the Functions host loads them: host.json's
 * `extensions.durableTask` keys (case-insensitive), overlaid by `AzureFunctionsJobHost__extensions__durableTask__*`
 * app settings. No host.json, no keys: the defaults. Values outside the allowed ones stop the host, as they do in
 * Azure. `defaultVersion` is taken literally (the extension resolves no %SETTING% in it).
 */
export function readVersioning(appDirectory: string, environment: NodeJS.ProcessEnv = process.env): VersioningSettings {
  const file = join(appDirectory, "host.json");
  let hostJson: unknown;
  try {
    hostJson = JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") hostJson = {};
    else throw new Error(`${file} could not be read: ${(error as Error).message}`);
  }
  return versioningFrom(hostJson, environment, file);
}

export function versioningFrom(hostJson: unknown, environment: NodeJS.ProcessEnv = {}, source = "host.json"): VersioningSettings {
  const durableTask = child(child(hostJson, "extensions"), "durableTask");
  const value = (key: string): unknown => {
    const override = Object.entries(environment).find(([name]) => name.toLowerCase() === `${OVERRIDE_PREFIX}${key}`.toLowerCase());
    return override ? override[1] : child(durableTask, key);
  };
  const defaultVersion = value("defaultVersion");
  if (defaultVersion !== undefined && defaultVersion !== null && typeof defaultVersion !== "string") {
    throw new Error(`${source}: extensions.durableTask.defaultVersion must be a string such as "1.0", not ${JSON.stringify(defaultVersion)}.`);
  }
  return {
    defaultVersion: defaultVersion ?? DEFAULT_VERSIONING.defaultVersion,
    matchStrategy: oneOf(value("versionMatchStrategy"), VERSION_MATCH_STRATEGIES, "versionMatchStrategy", source) ?? DEFAULT_VERSIONING.matchStrategy,
    failureStrategy:
      oneOf(value("versionFailureStrategy"), VERSION_FAILURE_STRATEGIES, "versionFailureStrategy", source) ?? DEFAULT_VERSIONING.failureStrategy,
  };
}

/** What a worker with these settings does with an instance of `instanceVersion`. */
export function versionVerdict(settings: VersioningSettings, instanceVersion: string): "run" | "reject" | "fail" {
  let mismatch: boolean;
  switch (settings.matchStrategy) {
    case "None":
      mismatch = false;
      break;
    case "Strict":
      mismatch = settings.defaultVersion !== instanceVersion;
      break;
    case "CurrentOrOlder":
      mismatch = compareOrchestrationVersions(instanceVersion, settings.defaultVersion) > 0;
      break;
  }
  if (!mismatch) return "run";
  return settings.failureStrategy === "Fail" ? "fail" : "reject";
}

function child(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const found = Object.entries(value).find(([name]) => name.toLowerCase() === key.toLowerCase());
  return found?.[1];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], key: string, source: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  // The extension binds enums by name, ignoring case.
  const match = typeof value === "string" ? allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase()) : undefined;
  if (!match) throw new Error(`${source}: extensions.durableTask.${key} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}.`);
  return match;
}
