import { functionRegistry } from "../../local/durable/functions-core";
import { describe, expect, it } from "vitest";
import { replayRecordedInstance, describeDivergence } from "../../local/durable/recorded-replay";
import { recordReferenceHistories } from "../local/durable/reference-histories/record";
import { loadScenarios, type ReferenceScenario } from "../local/durable/reference-histories/reference-histories";

// The recorder behind test/local/durable/reference-histories/ still works on today's app: every scenario ends as it
// claims (it checks that itself), the same scenarios as the committed ones come out, and they replay.
describe("recording the reference histories", () => {
  let recorded: { version: string; scenarios: ReferenceScenario[] };

  it("records every committed scenario at host.json's defaultVersion, each ending as it says", async () => {
    recorded = await recordReferenceHistories();
    const committed = loadScenarios(recorded.version).map((s) => s.scenario);
    expect(recorded.scenarios.map((s) => s.scenario).sort()).toEqual(committed.sort());
    const names = new Set(recorded.scenarios.flatMap((s) => s.instances.map((i) => i.name)));
    expect([...names].sort()).toEqual(["RemediateVm", "Sweep", "SweepBatch"]);
  }, 120_000);

  it("what it records replays on the code it was recorded with", async () => {
    for (const scenario of recorded.scenarios) {
      for (const instance of scenario.instances) {
        const result = await replayRecordedInstance(functionRegistry, instance);
        expect(result.divergence ? `${scenario.scenario} ${instance.instanceId}: ${describeDivergence(result.divergence)}` : "").toBe("");
      }
    }
  });
});
