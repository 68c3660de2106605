import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runQuery, type Row } from "../../../local/simulator/kql/evaluate";
import { analyzeQuery } from "../../../local/simulator/kql/language";
import { EVENT_TABLE } from "../../../local/simulator/kql/tables";
import { readSymptomRows, symptomQuery } from "../../../src/domain/sweep-queries";

// The alert starts runs and the sweep reports what it counts: both must see the same events. Run on the same Event
// rows with the twin's KQL engine (bound by Microsoft's Kusto language service), they select the same (VM, event).
const ALERT_QUERY = readFileSync(join(__dirname, "../../../infra/queries/rd-licensing-alert.kql"), "utf8");
const VM = (n: number) => `/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/vm${n}`;
const ADMIN = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin";
const NOW = new Date("2026-12-03T12:00:00Z");

function event(vm: number, log: string, id: number, source: string): Row {
  return {
    TimeGenerated: new Date(NOW.getTime() - 60_000),
    Computer: `VM${vm}`,
    EventLog: log,
    EventID: id,
    Source: source,
    RenderedDescription: "",
    _ResourceId: VM(vm),
  };
}

const ROWS: Row[] = [
  event(1, "System", 1128, "TermService"), // the System log's Source as another value than the provider's name
  event(1, "System", 1130, "Microsoft-Windows-TerminalServices-RemoteConnectionManager"),
  event(2, ADMIN, 1069, "Microsoft-Windows-TerminalServices-RemoteConnectionManager"),
  event(2, ADMIN, 1068, "Microsoft-Windows-TerminalServices-RemoteConnectionManager"),
  event(3, "Application", 1128, "SomeApp"), // another log's 1128: not ours
  event(3, "System", 1069, "Microsoft-Windows-TerminalServices-RemoteConnectionManager"), // 1069 is an Admin-channel event
  event(4, ADMIN, 1130, "Microsoft-Windows-TerminalServices-RemoteConnectionManager"), // 1130 is a System-log event
];

function run(query: string) {
  const analyzed = analyzeQuery(query, [EVENT_TABLE]);
  expect(analyzed.diagnostics).toEqual([]);
  return runQuery(analyzed, { Event: ROWS }, NOW);
}

describe("the alert and the sweep see the same licensing events", () => {
  it("by channel and event ID, whatever the Source column says", () => {
    const alert = run(ALERT_QUERY);
    const at = (name: string) => alert.columns.findIndex((c) => c.name === name);
    const alerted = alert.rows.map((r) => `${String(r[at("_ResourceId")]).toLowerCase()} ${String(r[at("EventID")])}`).sort();

    const sweep = run(symptomQuery(24));
    const counted = readSymptomRows(
      sweep.columns.map((c) => c.name),
      sweep.rows,
    ).flatMap((r) => Array.from({ length: r.count }, () => `${r.resourceId} ${r.eventId}`));

    expect(alerted).toEqual([`${VM(1)} 1128`, `${VM(1)} 1130`, `${VM(2)} 1068`, `${VM(2)} 1069`]);
    expect(counted.sort()).toEqual(alerted);
  });
});
