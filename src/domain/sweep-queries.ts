/**
 * The sweep's two queries: Azure Resource Graph for the target VMs of one scope, and Log Analytics for the
 * licensing events per VM. Both are plain KQL; the results are read by column name, so a summarised answer
 * (Azure) and raw Event rows (fewer columns, one row per event) are counted alike.
 */
import { LICENSING_EVENT_IDS } from "./playbook";
import type { Scope } from "./scope";

export const RCM_PROVIDER = "Microsoft-Windows-TerminalServices-RemoteConnectionManager";
/** Where Windows logs each licensing event: 1128 and 1130 in the System log, 1068 and 1069 in the provider's Admin channel. */
const SYSTEM_EVENT_IDS = [1128, 1130] as const;
const ADMIN_EVENT_IDS = [1068, 1069] as const;

function kqlString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/**
 * Windows VMs of one scope, with the power state Resource Graph keeps (properties.extended.instanceView) and the
 * tags (the tag filter runs on our side: tag names compare case-insensitively in Azure, and in KQL they do not).
 * Ordered by ID so that paging is stable.
 */
export function targetQuery(scope: Scope): string {
  const lines = [
    "Resources",
    "| where type =~ 'microsoft.compute/virtualmachines'",
    "| where tostring(properties.storageProfile.osDisk.osType) =~ 'Windows'",
  ];
  if (scope.resourceGroup !== undefined) lines.push(`| where resourceGroup =~ ${kqlString(scope.resourceGroup)}`);
  lines.push(
    "| project id = tolower(id), osType = tostring(properties.storageProfile.osDisk.osType), " +
      "powerState = tostring(properties.extended.instanceView.powerState.code), tags",
    "| order by id asc",
  );
  return lines.join("\n");
}

/** Licensing events per VM and event ID in the last `hours` hours. */
export function symptomQuery(hours: number): string {
  if (!Number.isInteger(hours) || hours < 1) throw new RangeError("hours must be a positive integer");
  return [
    "Event",
    `| where TimeGenerated > ago(${hours}h)`,
    // As the alert's query (infra/queries/rd-licensing-alert.kql): the channel and the event ID, never the Source
    // column, whose value for the classic System-log events is not verified on a real VM.
    `| where (EventLog == 'System' and EventID in (${SYSTEM_EVENT_IDS.join(", ")}))`,
    `    or (EventLog == ${kqlString(`${RCM_PROVIDER}/Admin`)} and EventID in (${ADMIN_EVENT_IDS.join(", ")}))`,
    "| summarize Count = count(), LastSeen = max(TimeGenerated) by _ResourceId = tolower(_ResourceId), EventID",
  ].join("\n");
}

export interface SymptomRow {
  resourceId: string;
  eventId: number;
  count: number;
}

/**
 * Reads rows by column name: `_ResourceId` (or `ResourceId`), `EventID`, and `Count` when summarised (a raw
 * Event row counts once). Rows of other event IDs or without a VM resource ID are ignored.
 */
export function readSymptomRows(columns: readonly string[], rows: readonly unknown[][]): SymptomRow[] {
  const at = (name: string) => columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
  const idColumn = at("_ResourceId") >= 0 ? at("_ResourceId") : at("ResourceId");
  const eventColumn = at("EventID");
  const countColumn = at("Count");
  if (idColumn < 0 || eventColumn < 0) return [];
  const out: SymptomRow[] = [];
  for (const row of rows) {
    const resourceId = String(row[idColumn] ?? "").toLowerCase().replace(/\/+$/, "");
    const eventId = Number(row[eventColumn]);
    const count = countColumn < 0 ? 1 : Number(row[countColumn]);
    if (!/\/providers\/microsoft\.compute\/virtualmachines\/[^/]+$/.test(resourceId)) continue;
    if (!(LICENSING_EVENT_IDS as readonly number[]).includes(eventId) || !Number.isFinite(count) || count < 1) continue;
    out.push({ resourceId, eventId, count });
  }
  return out;
}

/** Events per VM (lower-cased resource ID), added up over workspaces and event IDs. */
export function countSymptoms(rows: readonly SymptomRow[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.resourceId, (counts.get(r.resourceId) ?? 0) + r.count);
  return counts;
}
