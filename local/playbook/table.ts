/**
 * The playbook's proof, as a table: every guest preset as a VM of one offline app (the real function app, durable
 * replay, Azure simulator, guest scripts), an alert for each, approvals given where a run asks for one, and for
 * each VM what the run found, planned and decided, what it changed in the guest and whether the VM restarted.
 */
import { getRegValue, KEYS, featureState } from "../guest/guest-registry";
import type { GuestState } from "../guest/guest-state";
import { PRESETS, PRESET_NAMES, type PresetName } from "../guest/presets";
import { startOfflineApp, type OfflineApp } from "../offline/offline-app";
import { resolveScenario } from "../offline/scenario-file";
import type { PlanStep } from "../../src/domain/playbook";
import type { RunReport } from "../../src/domain/run";
import { logAlertFor } from "../offline/alert-payload";

export const SUBSCRIPTION = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";

/** The settings the table is made with: the defaults, except that no guard stands between a VM and its plan. */
export const TABLE_SETTINGS: Record<string, string> = {
  ALLOWED_SCOPES: `/subscriptions/${SUBSCRIPTION}`,
  LICENSE_SERVERS: "ls01.contoso.com",
  BREAKER_THRESHOLD: "10000",
  MAX_CONCURRENT_REMEDIATIONS: "100",
};

export interface PlaybookRow {
  preset: PresetName;
  description: string;
  vmId: string;
  /** "code (effect)" per cause, in the report's order. */
  causes: string[];
  plan: string[];
  verdict: string;
  /** Whether the run waited for a person (and was approved by the table's operator). */
  approved: string[];
  /** What differs in the guest after the run, one entry per value or role. */
  changed: string[];
  restarted: boolean;
  /** Why it restarted, or why not. */
  restartWhy: string;
  /** The guest before and after the run, for checks that do not read the table. */
  before: GuestState;
  after: GuestState;
  /** Restart requests Azure received for this VM. */
  restartRequests: number;
}

const HOUR = 3_600_000;

export async function playbookRows(guest: "pwsh" | "model" = "model"): Promise<PlaybookRow[]> {
  const vmId = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/${name}`;
  const scenario = resolveScenario(
    {
      vms: PRESET_NAMES.map((preset) => ({
        subscriptionId: SUBSCRIPTION,
        resourceGroup: "rg-rdsh",
        name: preset,
        location: "westeurope",
        powerState: "running",
        agentReady: true,
        osDisk: { name: `${preset}-os`, managed: true },
        guestPreset: preset,
      })),
    },
    new Date(),
  );
  const app = await startOfflineApp({ scenario, guest, settings: TABLE_SETTINGS });
  try {
    const before = new Map(PRESET_NAMES.map((p) => [p, structuredClone(app.sim.getGuest(vmId(p))!)] as const));
    const runs = new Map<PresetName, string>();
    for (const preset of PRESET_NAMES) {
      const answer = await app.post("alerts", logAlertFor([vmId(preset)]));
      const run = (answer.json as { runs?: Array<{ runId: string }> }).runs?.[0];
      if (!run) throw new Error(`no run started for ${preset}: ${answer.status} ${answer.body}`);
      runs.set(preset, run.runId);
    }
    await settle(app);
    const approved = await approveWaiting(app, runs);
    await settle(app);
    return PRESET_NAMES.map((preset) => {
      const report = app.host.getStatus(runs.get(preset)!)?.output as RunReport | undefined;
      if (!report) throw new Error(`the run for ${preset} did not finish`);
      const after = app.sim.getGuest(vmId(preset))!;
      const restartRequests = app.sim.requestLog.entries().filter((e) => (e.vmId ?? "").toLowerCase() === vmId(preset) && e.operation === "vm.restart").length;
      return {
        preset,
        description: PRESETS[preset],
        vmId: vmId(preset),
        causes: report.causes.map((c) => `${c.code} (${c.effect ?? "?"})`),
        plan: report.plan.map(stepText),
        verdict: report.verdict,
        approved: approved.get(preset) ?? [],
        changed: changes(before.get(preset)!, after),
        restarted: restartRequests > 0,
        restartWhy: restartWhy(report, restartRequests > 0, approved.get(preset) ?? []),
        before: before.get(preset)!,
        after,
        restartRequests,
      };
    });
  } finally {
    await app.stop();
  }
}

async function settle(app: OfflineApp): Promise<void> {
  await app.host.runUntilIdle({ until: new Date(app.host.clock.nowMs() + 2 * HOUR) });
}

/** Approves every run that waits for a person, as an operator would, and says what was asked. */
async function approveWaiting(app: OfflineApp, runs: Map<PresetName, string>): Promise<Map<PresetName, string[]>> {
  const asked = new Map<PresetName, string[]>();
  for (const [preset, runId] of runs) {
    const status = app.host.getStatus(runId);
    if (status?.runtimeStatus !== "Running" || (status.customStatus as { step?: string } | undefined)?.step !== "awaiting-approval") continue;
    const planned = ((status.customStatus as { planned?: PlanStep[] }).planned ?? []).map((s) => s.kind);
    const answer = await app.post(`remediations/${runId}/approve`, { comment: "approved for the playbook table" });
    if (answer.status !== 202) throw new Error(`approving ${preset}: ${answer.status} ${answer.body}`);
    asked.set(preset, planned);
  }
  return asked;
}

function stepText(step: PlanStep): string {
  switch (step.kind) {
    case "set-licensing-mode":
      return `set-licensing-mode ${step.mode}`;
    case "set-license-servers":
      return `set-license-servers ${step.servers.join(",")}`;
    default:
      return step.kind;
  }
}

/** The licensing values and roles as an admin reads them: kind and content. */
function snapshot(state: GuestState): Record<string, string> {
  const value = (key: string, name: string) => {
    const v = getRegValue(state, key, name);
    return v === undefined ? "absent" : `${v.type} ${JSON.stringify(v.value)}`;
  };
  return {
    LicensingMode: value(KEYS.licensingCore, "LicensingMode"),
    SpecifiedLicenseServers: value(KEYS.licenseServers, "SpecifiedLicenseServers"),
    "RDS-RD-Server": featureState(state, "RDS-RD-Server"),
    "RDS-Licensing": featureState(state, "RDS-Licensing"),
  };
}

export function changes(before: GuestState, after: GuestState): string[] {
  const a = snapshot(before);
  const b = snapshot(after);
  return Object.keys(a)
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}: ${a[k]} → ${b[k]}`);
}

function restartWhy(report: RunReport, restarted: boolean, approved: string[]): string {
  const decision = report.restart;
  if (restarted) {
    const approval = approved.length > 0 ? " (approved)" : "";
    return decision ? `${decision.detail}${approval}` : `restarted${approval}`;
  }
  if (!decision || decision.mode === "none") return "no restart planned";
  return `${decision.detail}; the run ended ${report.verdict} before it`;
}

/** docs/playbook.md. */
export function playbookMarkdown(rows: PlaybookRow[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const list = (items: string[], empty: string) => (items.length === 0 ? empty : items.map(cell).join("<br>"));
  const lines = [
    "# The playbook, preset by preset",
    "",
    "Generated by `npm run playbook` (`local/playbook/`); a test fails when this file is not what the command prints.",
    "Every guest preset (`local/guest/presets/`, each healthy plus one described change) is a VM of one offline run of",
    "the real app: an Azure Monitor alert starts its remediation run, runs that wait for a person are approved, and the",
    "table shows what the run found (causes, with what each means for licensing: `breaks`, `drift`, `blocks`, `info`),",
    "what it planned, its verdict, what it changed in the guest, and whether the VM restarted and why.",
    "",
    `Settings: the defaults (\`LICENSE_SERVERS=${TABLE_SETTINGS.LICENSE_SERVERS}\`, \`LICENSING_MODE=4\`, \`NO_CALS_ACTION=report\`,`,
    "`RESTART_WITH_USERS=approve`, `SWEEP_POLICY=report`), with the license-server breaker and the blast radius out of the",
    "way so that each row shows the playbook alone. Remote WMI to a license server is denied unless the preset grants it.",
    "",
    "| preset | situation | causes | plan | verdict | changed | restart |",
    "|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      [
        `\`${r.preset}\``,
        cell(r.description),
        list(r.causes, "none"),
        list(r.plan, "nothing"),
        `**${r.verdict}**${r.approved.length > 0 ? " (after approval)" : ""}`,
        list(r.changed, "nothing"),
        `${r.restarted ? "**yes**" : "no"}: ${cell(r.restartWhy)}`,
      ].join(" | "),
    ).map((line) => `| ${line} |`),
    "",
  ];
  return lines.join("\n");
}
