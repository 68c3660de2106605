/**
 * Reference histories: real histories of the app's orchestrators, recorded by record.ts on the offline app at a
 * version (host.json's defaultVersion when they were recorded) and committed as `<version>/<scenario>.json`. The
 * test replays them against the current code: an orchestrator change that alters the actions of a version whose
 * instances may be in flight fails it (docs/deploy.md, "Shipping a change to an orchestrator").
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RecordedInstance } from "../../../../local/durable/recorded-replay";

export const HISTORIES_DIR = __dirname;
export const PROJECT_ROOT = resolve(__dirname, "../../../..");
export const RECORD_COMMAND = "npx tsx test/local/durable/reference-histories/record.ts";

export interface ReferenceScenario {
  scenario: string;
  /** What the recorded run did, in a sentence. */
  description: string;
  /** The orchestration version every instance in it was started at. */
  version: string;
  instances: RecordedInstance[];
}

/** Versions that have run in production: their histories are never re-recorded, only retired with their branch. */
export function releasedVersions(): string[] {
  const file = JSON.parse(readFileSync(join(HISTORIES_DIR, "released-versions.json"), "utf8")) as { released: string[] };
  return file.released;
}

export function recordedVersions(): string[] {
  return readdirSync(HISTORIES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function loadScenarios(version: string): ReferenceScenario[] {
  const dir = join(HISTORIES_DIR, version);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as ReferenceScenario);
}

/** Replaces the histories of `version` with these scenarios. */
export function saveScenarios(version: string, scenarios: ReferenceScenario[]): string {
  const dir = join(HISTORIES_DIR, version);
  if (existsSync(dir)) rmSync(dir, { recursive: true });
  mkdirSync(dir, { recursive: true });
  for (const s of scenarios) writeFileSync(join(dir, `${s.scenario}.json`), formatScenario(s));
  return dir;
}

/** JSON with one history event per line: small, and a re-recording diffs event by event. */
function formatScenario(s: ReferenceScenario): string {
  const head = { scenario: s.scenario, description: s.description, version: s.version };
  const instances = s.instances.map(
    (i) =>
      `  {"name": ${JSON.stringify(i.name)}, "instanceId": ${JSON.stringify(i.instanceId)}, "history": [\n` +
      i.history.map((e) => `   ${JSON.stringify(e)}`).join(",\n") +
      "\n  ]}",
  );
  const fields = Object.entries(head).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${fields.join(",\n")},\n "instances": [\n${instances.join(",\n")}\n ]\n}\n`;
}
