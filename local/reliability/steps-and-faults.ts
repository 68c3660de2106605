/**
 * The two axes of the fault matrix: the steps of one remediation run (docs/design §2) and the ways Azure fails.
 * The broken VM of every case uses the guest preset "demo-broken", whose plan is
 * set-licensing-mode -> set-license-servers -> restart, so "each fix step" is those two Run Commands.
 */

export type StepKind = "read" | "snapshot" | "run-command" | "restart";

export interface StepDef {
  id: string;
  /** Short form for VM names (f-<code>-<fault>). */
  code: string;
  kind: StepKind;
  /** The script name of a Run Command step. */
  script?: string;
  /** What the app does in this step, for the document. */
  does: string;
}

export const STEPS: readonly StepDef[] = [
  { id: "preflight", code: "pre", kind: "read", does: "reads the VM with its instance view (GET vm, $expand=instanceView)" },
  { id: "snapshot", code: "snap", kind: "snapshot", does: "PUT an incremental snapshot of the OS disk, then polls its operation" },
  { id: "probe", code: "probe", kind: "run-command", script: "probe", does: "read-only Run Command (probe)" },
  {
    id: "set-licensing-mode",
    code: "mode",
    kind: "run-command",
    script: "set-licensing-mode",
    does: "state-changing Run Command (first fix step)",
  },
  {
    id: "set-license-servers",
    code: "servers",
    kind: "run-command",
    script: "set-license-servers",
    does: "state-changing Run Command (second fix step)",
  },
  { id: "restart", code: "restart", kind: "restart", does: "POST restart, then polls its operation" },
  { id: "agent-wait", code: "agent", kind: "read", does: "reads the instance view until the VM agent reports Ready after the restart" },
  { id: "verify", code: "verify", kind: "run-command", script: "verify", does: "read-only Run Command (verify)" },
];

export type FaultId =
  | "429"
  | "500"
  | "reset"
  | "lro-failed"
  | "409"
  | "409-stuck"
  | "never-finishes"
  | "agent-not-ready"
  | "vm-wont-start";

export interface FaultDef {
  id: FaultId;
  /** Short form for VM names. */
  code: string;
  label: string;
  /** A transient fault is retried and the run still repairs the VM; a permanent one ends the run. */
  transient: boolean;
  meaning: string;
}

/**
 * How many requests a transient request fault hits. The app's ARM clients retry 4 times themselves
 * (src/azure/compute-client.ts), so a 429 that answers 5 times outlasts them and reaches the run's own retry
 * policy (AZURE_RETRY). 500 and resets are absorbed by the client's exponential backoff (1-2 s of real time
 * per retry), which keeps the matrix fast.
 */
export const TRANSIENT_TIMES: Record<"429" | "500" | "reset", number> = { "429": 5, "500": 2, reset: 2 };
export const RETRY_AFTER_SECONDS = 1;

export const FAULTS: readonly FaultDef[] = [
  {
    id: "429",
    code: "429",
    label: "429 + Retry-After",
    transient: true,
    meaning: `ARM throttles the request: 429 TooManyRequests with Retry-After: ${RETRY_AFTER_SECONDS}, ${TRANSIENT_TIMES["429"]} times in a row (more than the ARM client's own 4 retries, so the run's activity retry takes over).`,
  },
  {
    id: "500",
    code: "500",
    label: "500",
    transient: true,
    meaning: `ARM answers 500 InternalServerError, ${TRANSIENT_TIMES["500"]} times in a row (the ARM client retries with backoff).`,
  },
  {
    id: "reset",
    code: "reset",
    label: "connection reset",
    transient: true,
    meaning: `The connection is dropped without an answer, ${TRANSIENT_TIMES.reset} times in a row (ECONNRESET; the ARM client retries).`,
  },
  {
    id: "lro-failed",
    code: "lro",
    label: "LRO Failed",
    transient: false,
    meaning: "The request is accepted (202) but its long-running operation ends Failed with an ARM error; nothing it would have done happens.",
  },
  {
    id: "409",
    code: "409",
    label: "Run Command 409 (clears)",
    transient: true,
    meaning:
      "Another client's Run Command holds the VM's Run Command lock when the step starts: 409 Conflict \"Run command extension execution is in progress\"; it finishes right after the first refusal.",
  },
  {
    id: "409-stuck",
    code: "409s",
    label: "Run Command 409 (stuck)",
    transient: false,
    meaning: "As above, but the other Run Command never finishes (a stuck extension): every attempt is refused with 409 Conflict.",
  },
  {
    id: "never-finishes",
    code: "hang",
    label: "Run Command / operation never finishes",
    transient: false,
    meaning: "The request is accepted but its operation answers InProgress forever (a Run Command keeps the VM's Run Command lock).",
  },
  {
    id: "agent-not-ready",
    code: "agent",
    label: "VM agent not Ready",
    transient: false,
    meaning:
      "After the restart the VM agent never reports Ready again. At preflight: the agent is already Not Ready when the run starts (scenario state).",
  },
  {
    id: "vm-wont-start",
    code: "nostart",
    label: "VM doesn't start",
    transient: false,
    meaning:
      "The restart's operation ends Failed with VMStartTimedOut and the VM is left stopped. At preflight: the VM is already stopped when the run starts (scenario state).",
  },
];

export function stepById(id: string): StepDef {
  const step = STEPS.find((s) => s.id === id);
  if (!step) throw new Error(`unknown step ${id}`);
  return step;
}

export function faultById(id: FaultId): FaultDef {
  const fault = FAULTS.find((f) => f.id === id);
  if (!fault) throw new Error(`unknown fault ${id}`);
  return fault;
}
