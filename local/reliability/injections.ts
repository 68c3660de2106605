/**
 * How one fault is made to happen at one step: simulator fault rules (docs/simulator.md "Fault rules"), the VM's
 * state in the scenario, or another client's Run Command that holds the VM's Run Command lock.
 */
import type { FaultRule, RequestLogEntry } from "../simulator";

/** When an injection happens: before the run's alert, or at the first idle moment after a request of the run. */
export type Trigger =
  | { at: "start" }
  | {
      at: "after";
      /** for the document */ what: string;
      match: (entry: RequestLogEntry) => boolean;
      /** The operation whose InProgress answer this waits for (it must not end in its first answer). */
      pollOf?: string;
    };

export type Action =
  /** Adds a simulator fault rule for this VM. */
  | { kind: "rule"; rule: FaultRule }
  /** Another client starts a Run Command on the VM and does not poll it: it holds the VM's Run Command lock. */
  | { kind: "occupy-run-command" }
  /** That other Run Command finishes (its client polls it to the end): the lock is free again. */
  | { kind: "release-run-command" };

export interface Injection {
  when: Trigger;
  action: Action;
}

/** The VM as the scenario starts it (preflight faults are states the run finds, not requests that fail). */
export interface VmStart {
  powerState: "running" | "stopped";
  agentReady: boolean;
}

export const RUNNING: VmStart = { powerState: "running", agentReady: true };

export const atStart = (rule: FaultRule): Injection => ({ when: { at: "start" }, action: { kind: "rule", rule } });

/**
 * The first poll of an operation that answered InProgress (a status poll, its Location, or a read of its resource):
 * the run then waits a poll interval (a durable timer).
 */
export function firstPollOf(operation: string, script?: string): Trigger {
  return {
    at: "after",
    what: `the first InProgress poll of ${script ?? operation}`,
    match: (e) => e.pollOf === operation && e.lroStatus === "InProgress" && (script === undefined || e.script === script),
    pollOf: operation,
  };
}

/** The first answer that reported the operation Succeeded (a poll, a result, a read, or its first answer). */
export function endOf(operation: string): Trigger {
  return { at: "after", what: `the end of ${operation}`, match: (e) => (e.pollOf ?? e.operation) === operation && e.lroStatus === "Succeeded" };
}

/** The request accepted (202), or done in its first answer (200). */
export function acceptedRequest(operation: string): Trigger {
  return { at: "after", what: `${operation} accepted`, match: (e) => e.operation === operation && (e.status === 202 || e.status === 200) };
}

export function refusedRunCommand(script: string): Trigger {
  return {
    at: "after",
    what: `the first 409 refusal of ${script}`,
    match: (e) => e.operation === "vm.runCommand" && e.script === script && e.status === 409,
  };
}

export function describeInjection(injection: Injection): string {
  const when = injection.when.at === "start" ? "before the alert" : `after ${injection.when.what}`;
  const { action } = injection;
  switch (action.kind) {
    case "rule": {
      const m = action.rule.match;
      const match = [m.operation, m.script ? `script ${m.script}` : undefined].filter(Boolean).join(", ");
      const effect = JSON.stringify(action.rule.effect);
      return `${when}: rule {${match}} → ${effect}${action.rule.times ? ` ×${action.rule.times}` : ""}`;
    }
    case "occupy-run-command":
      return `${when}: another client's Run Command takes the VM's Run Command lock`;
    case "release-run-command":
      return `${when}: that Run Command finishes`;
  }
}
