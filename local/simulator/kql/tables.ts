/**
 * The tables the simulated services hold, declared once: what the Kusto language service binds queries against,
 * and the columns the simulator's rows have. Log Analytics' `Event` table as the Azure Monitor Agent fills it
 * (azure-facts §9.2, the Azure Monitor table reference), and Azure Resource Graph's `Resources` table.
 */

export type KqlType = "string" | "int" | "long" | "real" | "bool" | "datetime" | "timespan" | "dynamic" | "guid";

export interface TableSchema {
  name: string;
  description: string;
  columns: ReadonlyArray<readonly [name: string, type: KqlType]>;
}

export const EVENT_TABLE: TableSchema = {
  name: "Event",
  description: "Events from the Windows event log (Azure Monitor Agent, stream Microsoft-Event).",
  columns: [
    ["TimeGenerated", "datetime"],
    ["Computer", "string"],
    ["EventLog", "string"],
    ["EventID", "int"],
    ["EventLevel", "int"],
    ["EventLevelName", "string"],
    ["EventCategory", "int"],
    ["Source", "string"],
    ["RenderedDescription", "string"],
    ["ParameterXml", "string"],
    ["EventData", "string"],
    ["Message", "string"],
    ["UserName", "string"],
    ["ManagementGroupName", "string"],
    ["SourceSystem", "string"],
    ["TenantId", "string"],
    ["_ResourceId", "string"],
    ["_SubscriptionId", "string"],
    ["Type", "string"],
  ],
};

export const RESOURCES_TABLE: TableSchema = {
  name: "Resources",
  description: "Azure Resource Graph: every resource the caller may read.",
  columns: [
    ["id", "string"],
    ["name", "string"],
    ["type", "string"],
    ["tenantId", "string"],
    ["kind", "string"],
    ["location", "string"],
    ["resourceGroup", "string"],
    ["subscriptionId", "string"],
    ["managedBy", "string"],
    ["sku", "dynamic"],
    ["plan", "dynamic"],
    ["properties", "dynamic"],
    ["tags", "dynamic"],
    ["identity", "dynamic"],
    ["zones", "dynamic"],
    ["extendedLocation", "dynamic"],
  ],
};

/**
 * The schema text the language service reads, e.g. "(['TimeGenerated']:datetime, ['Computer']:string)"; names are
 * quoted, since some (plan, kind) are keywords.
 */
export function schemaText(table: TableSchema): string {
  return `(${table.columns.map(([name, type]) => `['${name}']:${type}`).join(", ")})`;
}
