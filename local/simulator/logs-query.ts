import type { GuestEvent } from "../guest/guest-state";

/**
 * The little of KQL the simulator understands. It cannot run KQL: every query is answered with raw Event-table
 * rows from the guests' events, filtered by the request timespan, by `TimeGenerated > ago(N[dhms])`, and by
 * `EventID in (...)` / `EventID == N` when those appear. Anything else in the query (summarize, project, ...) is ignored.
 */

export const EVENT_COLUMNS = [
  { name: "TimeGenerated", type: "datetime" },
  { name: "Computer", type: "string" },
  { name: "EventLog", type: "string" },
  { name: "EventID", type: "int" },
  { name: "Source", type: "string" },
  { name: "RenderedDescription", type: "string" },
  { name: "_ResourceId", type: "string" },
] as const;

export interface EventSource {
  computerName: string;
  /** Lower-cased VM resource ID. */
  resourceId: string;
  events: GuestEvent[];
}

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

export function eventRows(sources: EventSource[], query: string, window: TimeWindow | undefined, now: Date): unknown[][] {
  const ids = eventIdFilter(query);
  const agoMs = agoFilterMs(query);
  const fromAgo = agoMs === undefined ? Number.NEGATIVE_INFINITY : now.getTime() - agoMs;
  const rows: { t: number; row: unknown[] }[] = [];
  for (const source of sources) {
    for (const event of source.events) {
      const t = Date.parse(event.time);
      if (window && (t < window.fromMs || t > window.toMs)) continue;
      if (t < fromAgo) continue;
      if (ids && !ids.has(event.id)) continue;
      rows.push({
        t,
        row: [new Date(t).toISOString(), source.computerName, event.log, event.id, event.provider, event.message, source.resourceId],
      });
    }
  }
  return rows.sort((a, b) => a.t - b.t).map((r) => r.row);
}

/** True when the query reads the Event table (its first token is `Event`). */
export function readsEventTable(query: string): boolean {
  return /^\s*Event\b(?!\s*\()/.test(stripComments(query));
}

function eventIdFilter(query: string): Set<number> | undefined {
  const text = stripComments(query);
  const list = /\bEventID\s+in\s*\(([^)]*)\)/i.exec(text);
  if (list) {
    const ids = (list[1] ?? "").split(",").map((s) => Number.parseInt(s.trim(), 10)).filter((n) => Number.isInteger(n));
    return new Set(ids);
  }
  const single = /\bEventID\s*==\s*(\d+)/i.exec(text);
  return single ? new Set([Number.parseInt(single[1] as string, 10)]) : undefined;
}

function agoFilterMs(query: string): number | undefined {
  const match = /\bTimeGenerated\s*>=?\s*ago\(\s*(\d+(?:\.\d+)?)\s*([dhms])\s*\)/i.exec(stripComments(query));
  if (!match) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[(match[2] as string).toLowerCase() as "d" | "h" | "m" | "s"];
  return Number.parseFloat(match[1] as string) * unit;
}

function stripComments(query: string): string {
  return query.replace(/\/\/[^\n]*/g, "");
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
