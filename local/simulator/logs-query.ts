import type { GuestEvent } from "../guest/guest-state";
import { analyzeQuery, type AnalyzedQuery } from "./kql/language";
import { EVENT_TABLE } from "./kql/tables";
import type { Row } from "./kql/evaluate";

/**
 * The Log Analytics side of the simulator: the Event table's rows from the guests' events (the columns declared
 * once in kql/tables.ts), and the request timespan, which Log Analytics applies to TimeGenerated.
 */

export interface EventSource {
  computerName: string;
  /** Lower-cased VM resource ID. */
  resourceId: string;
  subscriptionId: string;
  /** The workspace (customer ID) that holds the rows. */
  workspaceId: string;
  events: GuestEvent[];
}

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/** The RD licensing events are warnings or errors; everything a guest logs here is kept at the level Windows gives it. */
const LEVELS: Record<number, [number, string]> = { 1128: [3, "Warning"], 1130: [3, "Warning"], 1068: [3, "Warning"], 1069: [2, "Error"] };

/** Every Event row of the sources inside the window, in time order. */
export function eventTableRows(sources: EventSource[], window: TimeWindow | undefined): Row[] {
  const rows: Row[] = [];
  for (const source of sources) {
    for (const event of source.events) {
      const t = Date.parse(event.time);
      if (window && (t < window.fromMs || t > window.toMs)) continue;
      const [level, levelName] = LEVELS[event.id] ?? [4, "Information"];
      rows.push({
        TimeGenerated: new Date(t),
        Computer: source.computerName,
        EventLog: event.log,
        EventID: event.id,
        EventLevel: level,
        EventLevelName: levelName,
        EventCategory: 0,
        Source: event.provider,
        RenderedDescription: event.message,
        ParameterXml: "",
        EventData: "",
        Message: "",
        UserName: "N/A",
        ManagementGroupName: "",
        SourceSystem: "OpsManager",
        TenantId: source.workspaceId,
        _ResourceId: source.resourceId,
        _SubscriptionId: source.subscriptionId,
        Type: "Event",
      });
    }
  }
  return rows.sort((a, b) => (a.TimeGenerated as Date).getTime() - (b.TimeGenerated as Date).getTime());
}

/** Binds a query against the workspace's tables (the Event table). */
export function analyzeLogsQuery(query: string): AnalyzedQuery {
  return analyzeQuery(query, [EVENT_TABLE]);
}

/**
 * The ISO 8601 timespan of a query request: a duration ending now ("PT24H"), or an interval
 * ("start/end", "start/duration", "duration/end"). Returns undefined for a malformed value.
 */
export function parseTimespan(timespan: string, now: Date): TimeWindow | undefined {
  const parts = timespan.split("/");
  if (parts.length === 1) {
    const d = parseDuration(parts[0] as string);
    return d === undefined ? undefined : { fromMs: now.getTime() - d, toMs: now.getTime() };
  }
  if (parts.length !== 2) return undefined;
  const [a, b] = parts as [string, string];
  const aTime = a.startsWith("P") ? undefined : Date.parse(a);
  const bTime = b.startsWith("P") ? undefined : Date.parse(b);
  if (aTime !== undefined && bTime !== undefined) return Number.isNaN(aTime) || Number.isNaN(bTime) ? undefined : { fromMs: aTime, toMs: bTime };
  if (aTime !== undefined) {
    const d = parseDuration(b);
    return d === undefined || Number.isNaN(aTime) ? undefined : { fromMs: aTime, toMs: aTime + d };
  }
  if (bTime !== undefined) {
    const d = parseDuration(a);
    return d === undefined || Number.isNaN(bTime) ? undefined : { fromMs: bTime - d, toMs: bTime };
  }
  return undefined;
}

/** ISO 8601 duration in ms (years and months count as 365 and 30 days). */
export function parseDuration(text: string): number | undefined {
  const match = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const units = [365 * 86_400_000, 30 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];
  return units.reduce((sum, unit, i) => sum + (match[i + 1] ? Number.parseFloat(match[i + 1] as string) * unit : 0), 0);
}
