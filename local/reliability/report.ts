/** docs/reliability.md: the fault matrix and its results, written by `npm run reliability`. */
import type { CaseChecks, CaseResult } from "./checks";
import { describeInjection } from "./injections";
import type { Cell } from "./matrix";
import { MATRIX_SETTINGS, RUN_BOUND_MS, type MatrixResult } from "./runner";
import { FAULTS, STEPS, TRANSIENT_TIMES } from "./steps-and-faults";
import { describeProfile } from "./variants";

/** The matrix under one covering profile of Azure's response variants. */
export interface ProfileRun {
  index: number;
  result: MatrixResult;
}

const CHECK_NAMES: Record<keyof CaseChecks, string> = {
  terminal: "terminal state",
  reportPresent: "report",
  bounded: "bounded time",
  snapshotBeforeChange: "snapshot before change",
  slotReleased: "slot released",
  ledgerRecord: "ledger record",
  restoreGuidance: "restore guidance",
  faultExercised: "fault happened",
  expected: "expected outcome",
};

export function renderReliabilityDoc(runs: ProfileRun[]): string {
  const result = runs[0]!.result;
  const byId = new Map(result.results.map((r) => [r.faultCase.id, r]));
  const applicable = result.cells.filter((c) => c.applies).length;
  const failed = result.results.filter((r) => !r.ok);
  const lines: string[] = [
    "# Reliability: faults injected end to end",
    "",
    "<!-- Written by `npm run reliability` (local/reliability/main.ts). Do not edit by hand: run it again. -->",
    "",
    "Every step of a remediation run meets every way Azure fails, through the real app offline: the real function app",
    "in the local durable host, its real Azure SDK clients against the Azure simulator, its ledger in Azurite. One broken",
    "VM (guest preset `demo-broken`, plan: set-licensing-mode, set-license-servers, restart) per case, all cases at once,",
    "each fault set up for its own VM only. Time is virtual: durable timers and retries cost no real time. Azure answers",
    "in one profile of the response variants its REST specs allow (docs/simulator.md); the matrix runs under every",
    "profile below, which between them give every variant at least once. The app's identity holds the remediator role",
    `of the shipped infrastructure${runs.every((r) => r.result.roleEnforced) ? "" : " (where the Bicep CLI was installed to read it)"}: every request it does not grant is refused with 403.`,
    "",
    ...profileSection(runs),
    "",
    `## Result (profile 0)`,
    "",
    `${result.results.length} runs (${applicable} matrix cells that apply, plus a baseline without a fault); ` +
      `${STEPS.length * FAULTS.length - applicable} cells do not apply (listed below). ` +
      (result.ok ? "**Every run ended as expected with every invariant kept.**" : `**${failed.length} run(s) did not: ${failed.map((r) => r.faultCase.id).join(", ")}.**`),
    "",
    `The host was ${result.stoppedBy === "idle" ? "idle (no run left)" : "stopped by the virtual horizon"} after ${duration(result.virtualMs)} of virtual time.`,
    "",
    "### Matrix",
    "",
    "Observed verdict per step and fault (✓ as expected and every invariant kept, ✗ not; — does not apply).",
    "",
    `| step | ${FAULTS.map((f) => f.label).join(" | ")} |`,
    `|---|${FAULTS.map(() => "---").join("|")}|`,
  ];
  for (const step of STEPS) {
    const row = FAULTS.map((fault) => {
      const cell = result.cells.find((c) => c.step.id === step.id && c.fault.id === fault.id);
      if (!cell || !cell.applies) return "—";
      const r = byId.get(cell.faultCase.id);
      return r ? `${r.ok ? "✓" : "✗"} ${r.verdict ?? r.runtimeStatus ?? "no run"}` : "not run";
    });
    lines.push(`| ${step.id} | ${row.join(" | ")} |`);
  }
  lines.push(
    "",
    "### Cases",
    "",
    "Invariants: terminal state (`Completed`), report (verdict and reason), bounded virtual time " +
      `(at most ${duration(RUN_BOUND_MS)}), no state-changing request for the VM before its snapshot completed, ` +
      "blast-radius slot released, ledger record, restore guidance when it failed after a change.",
    "",
    "| case (VM) | step | fault | expected | observed | reason (excerpt) | virtual time | invariants | fault seen |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const r of result.results) lines.push(caseRow(r));
  lines.push("", "### Does not apply", "", "| step | fault | why |", "|---|---|---|");
  for (const cell of result.cells) if (!cell.applies) lines.push(`| ${cell.step.id} | ${cell.fault.label} | ${cell.reason} |`);
  lines.push(...faultSection(), ...injectionSection(result.cells), ...reproduceSection());
  return `${lines.join("\n")}\n`;
}

function profileSection(runs: ProfileRun[]): string[] {
  const lines = ["## Response variants", "", "| profile | Azure answers | runs as expected | virtual time | not as expected |", "|---|---|---|---|---|"];
  for (const { index, result } of runs) {
    const bad = result.results.filter((r) => !r.ok);
    lines.push(
      `| ${index} | ${cell(result.profile ? describeProfile(result.profile) : "simulator defaults")} | ${result.results.length - bad.length}/${result.results.length} | ${duration(result.virtualMs)} | ${bad.map((r) => `\`${r.faultCase.id}\``).join(", ") || "none"} |`,
    );
  }
  lines.push("", "A case keeps the variant its fault is made through (a Run Command that is polled, a snapshot polled through its status URL); the matrix below is profile 0's.");
  return lines;
}

function caseRow(r: CaseResult): string {
  const broken = (Object.keys(r.checks) as Array<keyof CaseChecks>)
    .filter((k) => k !== "expected" && k !== "faultExercised" && !r.checks[k])
    .map((k) => CHECK_NAMES[k]);
  const observed = `${r.checks.expected ? "✓" : "✗"} ${r.verdict ?? r.runtimeStatus ?? "no run"}`;
  return [
    "",
    `\`${r.faultCase.id}\``,
    r.faultCase.step?.id ?? "(none)",
    r.faultCase.fault?.label ?? "(baseline)",
    r.faultCase.expected.summary,
    observed,
    cell(excerpt(r.reason ?? "", 110)),
    r.virtualMs === undefined ? "?" : duration(r.virtualMs),
    broken.length === 0 ? "OK" : `✗ ${broken.join(", ")}`,
    `${r.checks.faultExercised ? "" : "✗ "}${cell(r.evidence)}`,
    "",
  ].join(" | ").trim();
}

function faultSection(): string[] {
  const lines = ["", "## The faults", "", "| fault | kind | what happens | expected outcome |", "|---|---|---|---|"];
  for (const f of FAULTS) {
    const outcome = f.transient
      ? "retried; the run still repairs the VM (`remediated`)"
      : f.id === "agent-not-ready" || f.id === "vm-wont-start"
        ? "at preflight `skipped` with the reason's code; after the restart `failed` (the rollback cannot run either), the reason names the step"
        : f.id === "lro-failed"
          ? "before any fix step `failed`; from the first fix step on the registry values are put back and the VM restarted (`failed-rolled-back`); the reason names the step"
          : "`failed` (a rollback cannot run while the VM's Run Command lock stays taken), the reason names the step; a restart that never finishes is rolled back (`failed-rolled-back`)";
    lines.push(`| ${f.label} | ${f.transient ? "transient" : "permanent"} | ${cell(f.meaning)} | ${outcome} |`);
  }
  lines.push(
    "",
    `The ARM clients retry 4 times on their own (Retry-After for 429, exponential backoff from 1 s for 5xx and resets). A 429 answered ${TRANSIENT_TIMES["429"]} times`,
    "outlasts them, so the activity fails with a transient error and the orchestration's retry policy (5 attempts,",
    "5 s doubling) runs it again. A Run Command 409 is not retried by the client: the orchestration's retry policy",
    "handles it, and when the other Run Command never ends, the run fails once that policy gives up.",
    "",
    "A failure once a fix step has started is rolled back: the probe's registry values are written back",
    "(restore-licensing) and the VM restarted. When the fault also stops that rollback, the run ends `failed` with",
    "the rollback's problem in the reason and the restore hint (how to restore the OS disk from the run's snapshot).",
  );
  return lines;
}

function injectionSection(cells: Cell[]): string[] {
  const lines = [
    "",
    "## How each fault is injected",
    "",
    "Simulator fault rules (docs/simulator.md) match the case's VM by name. Requests the runner sends itself (the other",
    "client's Run Command and its polls) are left out of every check. Injections that wait for a request of the run",
    "are made at the first moment every run waits on a durable timer, so always before the run's next request.",
    "A snapshot PUT cannot be aimed at one VM (the simulator matches request faults before it knows the snapshot's",
    "source VM), so the snapshot's transient faults hit its status polls.",
    "",
    "<details><summary>Injections per case</summary>",
    "",
    "| case | VM at start | injections |",
    "|---|---|---|",
  ];
  for (const c of cells) {
    if (!c.applies) continue;
    const fc = c.faultCase;
    const start = `${fc.vm.powerState}, agent ${fc.vm.agentReady ? "Ready" : "Not Ready"}`;
    lines.push(`| \`${fc.id}\` | ${start} | ${cell(fc.injections.map(describeInjection).join("; ") || "none (the VM's state is the fault)")} |`);
  }
  lines.push("", "</details>");
  return lines;
}

function reproduceSection(): string[] {
  return [
    "",
    "## Reproduce",
    "",
    "```sh",
    "npm run reliability                     # the matrix under every profile; rewrites this file; exits 1 on any mismatch",
    "npm run reliability -- --profile 2      # one profile, printed only",
    "npx vitest run test/e2e/fault-matrix.test.ts   # the matrix as a test, under a seeded profile (RDPMEDIC_VARIANT_SEED)",
    "```",
    "",
    "No Azure and no network beyond 127.0.0.1: the simulator, Azurite and the local durable host start in-process.",
    `Guest: the TypeScript model of the scripts (the scripts themselves run under pwsh in other tests). App settings: ${Object.entries(
      MATRIX_SETTINGS,
    )
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(", ")}`,
    "(every run gets a blast-radius slot at once and the license-server breaker does not join the cases; both are proven",
    "in their own tests). Simulator defaults: an operation ends on its second poll, the agent is Ready on the second",
    "instance-view read after a boot.",
  ];
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}

function excerpt(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Text that sits in a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
