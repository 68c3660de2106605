// The orchestrators' recorded histories, replayed against the current code: instances of every version still in
// the code must replay exactly as they ran (docs/deploy.md, "Shipping a change to an orchestrator").
import { functionRegistry } from "../../../local/durable/functions-core";
import "../../../src/functions/orchestrations";
import "../../../src/functions/sweep-orchestrations";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventType, type ExecutionStartedEvent } from "../../../local/durable/history";
import { describeDivergence, replayRecordedInstance } from "../../../local/durable/recorded-replay";
import { readVersioning } from "../../../local/durable/versioning";
import { compareOrchestrationVersions } from "../../../src/orchestrations/orchestration-version";
import {
  PROJECT_ROOT,
  RECORD_COMMAND,
  loadScenarios,
  recordedVersions,
  releasedVersions,
} from "./reference-histories/reference-histories";

const current = readVersioning(PROJECT_ROOT).defaultVersion;
const released = releasedVersions();
const scenarios = recordedVersions().flatMap((version) => loadScenarios(version).map((s) => ({ ...s, folder: version })));
const instances = scenarios.flatMap((s) => s.instances.map((i) => ({ scenario: s.scenario, folder: s.folder, version: s.version, instance: i })));
const orchestrators = functionRegistry.byTrigger("orchestrationTrigger").map((r) => r.name);

function advice(version: string): string {
  return released.includes(version)
    ? `Version ${version} is released: keep its actions unchanged behind versionAtLeast() and ship the change under a new defaultVersion in host.json, with histories recorded at it (${RECORD_COMMAND}).`
    : `Version ${version} has never run in production (released-versions.json), so its histories may be recorded again: ${RECORD_COMMAND}.`;
}

describe("reference histories", () => {
  it("host.json's defaultVersion has recorded histories of every orchestrator the app registers", () => {
    expect(current, "host.json sets extensions.durableTask.defaultVersion").not.toBe("");
    expect(orchestrators.sort()).toEqual(["RemediateVm", "Sweep", "SweepBatch"]);
    const covered = new Set(instances.filter((i) => i.version === current).map((i) => i.instance.name));
    const missing = orchestrators.filter((name) => !covered.has(name));
    expect(missing, `no history recorded at ${current} for ${missing.join(", ")}: ${RECORD_COMMAND}`).toEqual([]);
  });

  it("each scenario is filed under the version its instances were started at, none newer than host.json's", () => {
    for (const { scenario, folder, version, instance } of instances) {
      const started = instance.history.find((e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted);
      expect(started?.Version, `${folder}/${scenario} ${instance.instanceId}`).toBe(folder);
      expect(version).toBe(folder);
      expect(compareOrchestrationVersions(folder, current), `${folder}/${scenario} is newer than host.json's defaultVersion ${current}`).toBeLessThanOrEqual(0);
    }
  });

  it("covers the waits a run can be in flight on: approval, slot, agent after restart, sweep batches", () => {
    const names = (scenario: string) =>
      instances.filter((i) => i.scenario === scenario).flatMap((i) => i.instance.history.map((e) => (e as { Name?: string }).Name ?? ""));
    expect(names("run-approved")).toContain("approval");
    expect(names("run-slot-waiter").filter((n) => n === "op").length).toBeGreaterThan(2);
    expect(names("run-slot-first")).toContain("StartRestart");
    expect(instances.filter((i) => i.scenario === "sweep-report" && i.instance.name === "SweepBatch").length).toBeGreaterThan(1);
  });

  it("orchestrators are registered only where this test loads them from", () => {
    const dir = join(PROJECT_ROOT, "src", "functions");
    const registering = readdirSync(dir).filter((f) => readFileSync(join(dir, f), "utf8").includes("df.app.orchestration("));
    expect(registering.sort()).toEqual(["orchestrations.ts", "sweep-orchestrations.ts"]);
  });

  it.each(instances.map((i) => [`${i.folder}/${i.scenario}`, i.instance.name, i.instance.instanceId, i] as const))(
    "%s: %s %s replays on the current code as it ran",
    async (_label, _name, _id, { version, instance }) => {
      const result = await replayRecordedInstance(functionRegistry, instance);
      expect(result.episodes).toBeGreaterThan(1);
      const why = result.divergence
        ? `${instance.name} changed its actions for instances started at ${version}: ${describeDivergence(result.divergence)}. ${advice(version)}`
        : "";
      expect(why).toBe("");
    },
  );
});
