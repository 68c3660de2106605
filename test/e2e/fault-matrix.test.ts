import { beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../local/reliability/checks";
import { buildMatrix, matrixCases } from "../../local/reliability/matrix";
import { RUN_BOUND_MS, runFaultMatrix, type MatrixResult } from "../../local/reliability/runner";
import { FAULTS, STEPS } from "../../local/reliability/steps-and-faults";
import { describeProfile, seededProfile } from "../../local/reliability/variants";
import { variantSeed } from "./harness";

// Every step of a run meets every Azure fault through the real app offline (docs/reliability.md), with Azure
// answering in one profile of the response variants the specs allow (seeded: RDPMEDIC_VARIANT_SEED to try another;
// `npm run reliability` runs the profiles that cover every variant), against the deployed remediator role.
const cases = matrixCases();
const profile = seededProfile(variantSeed("fault-matrix"));
let matrix: MatrixResult;

beforeAll(async () => {
  console.info(`fault matrix response variants: ${describeProfile(profile)}`);
  matrix = await runFaultMatrix({ profile });
}, 300_000);

function resultOf(id: string): CaseResult {
  const found = matrix.results.find((r) => r.faultCase.id === id);
  if (!found) throw new Error(`case ${id} was not run`);
  return found;
}

describe("the fault matrix", () => {
  it("covers every step x fault: a case, or a reason why it does not apply", () => {
    const cells = buildMatrix();
    expect(cells).toHaveLength(STEPS.length * FAULTS.length);
    for (const cell of cells) {
      if (!cell.applies) expect(cell.reason.length, `${cell.step.id} x ${cell.fault.id}`).toBeGreaterThan(10);
    }
    // Every transient fault applies to every step; so does a permanent fault at each step that starts an operation.
    for (const step of STEPS) {
      for (const id of ["429", "500", "reset"]) expect(cells.find((c) => c.step.id === step.id && c.fault.id === id)?.applies).toBe(true);
    }
    expect(matrix.results.map((r) => r.faultCase.id)).toEqual(cases.map((c) => c.id));
  });

  it("leaves no run behind: the host went idle well before the virtual horizon", () => {
    expect(matrix.stoppedBy).toBe("idle");
    expect(matrix.virtualMs).toBeLessThanOrEqual(RUN_BOUND_MS);
  });

  it.each(cases.map((c) => c.id))("%s ends as its fault says, with every invariant kept", (id) => {
    const r = resultOf(id);
    const why = `${id}: ${r.problems.join("; ")}`;
    expect(r.runtimeStatus, why).toBe("Completed");
    expect(r.checks.reportPresent, why).toBe(true);
    expect(r.virtualMs, why).toBeLessThanOrEqual(RUN_BOUND_MS);
    expect(r.checks.snapshotBeforeChange, why).toBe(true);
    expect(r.checks.slotReleased, why).toBe(true);
    expect(r.checks.ledgerRecord, why).toBe(true);
    expect(r.checks.restoreGuidance, why).toBe(true);
    expect(r.checks.faultExercised, why).toBe(true);
    expect(r.verdict, why).toBe(r.faultCase.expected.verdict);
    expect(r.reason?.replace(new RegExp(id, "gi"), "<vm>"), why).toMatch(r.faultCase.expected.reason);
    expect(r.ok, why).toBe(true);
  });

  it("transient faults cost retries, not the repair; permanent ones end the run before the next step", () => {
    const base = resultOf("f-baseline").virtualMs!;
    // A 429 outlasting the ARM client's own retries is retried by the run (5 s later); the run repairs the VM.
    for (const step of STEPS) expect(resultOf(`f-${step.code}-429`).virtualMs).toBeGreaterThan(base);
    // A Run Command whose operation fails stops the run: nothing after it is started.
    const failedProbe = resultOf("f-probe-lro");
    expect(failedProbe.virtualMs).toBeLessThan(base);
  });
});
