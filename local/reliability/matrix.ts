/**
 * The fault matrix: every step x every fault, either a case (one broken VM, the fault injected at that step) or
 * "does not apply" with the reason.
 */
import type { FaultEffect, FaultMatch } from "../simulator";
import { type AzureBehaviour, BASELINE_EXPECTATION, expectedOutcome, type Expectation } from "./expectations";
import {
  acceptedRequest,
  atStart,
  endOf,
  firstPollOf,
  refusedRunCommand,
  RUNNING,
  type Injection,
  type Trigger,
  type VmStart,
} from "./injections";
import { FAULTS, RETRY_AFTER_SECONDS, STEPS, TRANSIENT_TIMES, type FaultDef, type StepDef } from "./steps-and-faults";

export interface FaultCase {
  /** Also the VM's name, e.g. f-probe-429. */
  id: string;
  /** Undefined for the baseline (no fault). */
  step: StepDef | undefined;
  fault: FaultDef | undefined;
  vm: VmStart;
  injections: Injection[];
  expected: Expectation;
}

export type Cell =
  | { step: StepDef; fault: FaultDef; applies: true; faultCase: FaultCase }
  | { step: StepDef; fault: FaultDef; applies: false; reason: string };

export const BASELINE: FaultCase = { id: "f-baseline", step: undefined, fault: undefined, vm: RUNNING, injections: [], expected: BASELINE_EXPECTATION };

/** What the run does just before a Run Command step: another client's Run Command slips in after it. */
const BEFORE_STEP: Record<string, Trigger> = {
  probe: firstPollOf("snapshot.put"),
  "set-licensing-mode": firstPollOf("vm.runCommand", "probe"),
  "set-license-servers": firstPollOf("vm.runCommand", "set-licensing-mode"),
  // After the restart ended (while the run waits for the agent): during the restart the VM may show "starting",
  // and takes no Run Command of anyone.
  verify: endOf("vm.restart"),
};

const LRO_ERRORS: Record<string, { code: string; message: string }> = {
  snapshot: { code: "InternalDiskManagementError", message: "An internal error occurred while processing disk operation." },
  "run-command": {
    code: "VMExtensionProvisioningError",
    message: "VM has reported a failure when processing extension 'RunCommandWindows'.",
  },
  restart: { code: "InternalExecutionError", message: "An internal execution error occurred. Please retry later." },
};

export function buildMatrix(azure: AzureBehaviour = { transitionalPower: false }): Cell[] {
  const cells: Cell[] = [];
  for (const step of STEPS) {
    for (const fault of FAULTS) {
      const id = `f-${step.code}-${fault.code}`;
      const realized = realize(step, fault, id);
      if (typeof realized === "string") {
        cells.push({ step, fault, applies: false, reason: realized });
      } else {
        const faultCase: FaultCase = { id, step, fault, ...realized, expected: expectedOutcome(step, fault, azure) };
        cells.push({ step, fault, applies: true, faultCase });
      }
    }
  }
  return cells;
}

/** Every case to run: the applicable cells plus the baseline. */
export function matrixCases(cells: Cell[] = buildMatrix()): FaultCase[] {
  return [BASELINE, ...cells.flatMap((c) => (c.applies ? [c.faultCase] : []))];
}

type Realized = { vm: VmStart; injections: Injection[] } | string;

function realize(step: StepDef, fault: FaultDef, vmName: string): Realized {
  const rules = (effect: FaultEffect, times?: number) => requestTarget(step, vmName, effect, times);
  switch (fault.id) {
    case "429":
      return rules({ status: 429, retryAfterSeconds: RETRY_AFTER_SECONDS }, TRANSIENT_TIMES["429"]);
    case "500":
      return rules({ status: 500 }, TRANSIENT_TIMES["500"]);
    case "reset":
      return rules({ reset: true }, TRANSIENT_TIMES.reset);
    case "lro-failed":
    case "never-finishes": {
      if (step.kind === "read") return `${step.id} only reads the VM: there is no long-running operation to fail or hang`;
      const error = LRO_ERRORS[step.kind];
      const effect: FaultEffect = fault.id === "never-finishes" ? { neverFinishes: true } : { lroFailed: error! };
      return { vm: RUNNING, injections: [atStart({ match: operationMatch(step, vmName), effect, times: 1 })] };
    }
    case "409":
    case "409-stuck": {
      if (step.kind !== "run-command") {
        return step.kind === "snapshot"
          ? "a snapshot does not take the VM's Run Command lock"
          : step.kind === "restart"
            ? "a restart is not a Run Command; the Run Command lock does not block it"
            : `${step.id} sends no Run Command`;
      }
      const occupy: Injection = { when: BEFORE_STEP[step.id]!, action: { kind: "occupy-run-command" } };
      const release: Injection = { when: refusedRunCommand(step.script!), action: { kind: "release-run-command" } };
      return { vm: RUNNING, injections: fault.id === "409" ? [occupy, release] : [occupy] };
    }
    case "agent-not-ready":
      if (step.id === "preflight") return { vm: { powerState: "running", agentReady: false }, injections: [] };
      if (step.id === "agent-wait") {
        return { vm: RUNNING, injections: [atStart({ match: { operation: "vm.restart", vmName }, effect: { agentNeverReady: true }, times: 1 })] };
      }
      if (step.id === "restart") return "the agent goes Not Ready with the restart and shows in the agent wait (next row)";
      if (step.id === "snapshot") return "a snapshot of the OS disk does not involve the VM agent";
      return step.id === "verify"
        ? "the agent wait has seen the agent Ready before verify; a Run Command whose agent stops answering fails its operation (the LRO Failed column)"
        : "preflight has seen the agent Ready and only the restart takes it away; a Run Command whose agent stops answering fails its operation (the LRO Failed column)";
    case "vm-wont-start":
      if (step.id === "preflight") return { vm: { powerState: "stopped", agentReady: false }, injections: [] };
      if (step.id === "restart") {
        return { vm: RUNNING, injections: [atStart({ match: { operation: "vm.restart", vmName }, effect: { vmWontStart: true }, times: 1 })] };
      }
      if (step.id === "agent-wait") return "a VM that does not boot fails the restart's operation (VMStartTimedOut) before any agent wait: see the restart row";
      return "only the restart step starts or restarts the VM";
  }
}

/** Where a transient request fault hits each step. */
function requestTarget(step: StepDef, vmName: string, effect: FaultEffect, times?: number): Realized {
  const rule = (match: FaultMatch) => ({ match, effect, ...(times ? { times } : {}) });
  switch (step.kind) {
    case "read":
      // The agent wait reads the VM like preflight does: arm the rule once the restart is accepted.
      return step.id === "agent-wait"
        ? { vm: RUNNING, injections: [{ when: acceptedRequest("vm.restart"), action: { kind: "rule", rule: rule({ operation: "vm.get", vmName }) } }] }
        : { vm: RUNNING, injections: [atStart(rule({ operation: "vm.get", vmName }))] };
    case "snapshot":
      // The simulator matches a snapshot PUT's request faults before it knows the source VM, so the PUT cannot be
      // aimed at one VM: the fault hits the snapshot's status polls (the VM's only operation at that point).
      return { vm: RUNNING, injections: [atStart(rule({ operation: "operation.poll", vmName }))] };
    case "run-command":
    case "restart":
      return { vm: RUNNING, injections: [atStart(rule(operationMatch(step, vmName)))] };
  }
}

function operationMatch(step: StepDef, vmName: string): FaultMatch {
  switch (step.kind) {
    case "snapshot":
      return { operation: "snapshot.put", vmName };
    case "restart":
      return { operation: "vm.restart", vmName };
    case "run-command":
      return { operation: "vm.runCommand", vmName, script: step.script! };
    case "read":
      return { operation: "vm.get", vmName };
  }
}
