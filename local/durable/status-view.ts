/** Instance status as the host API returns it, and as the extension's HTTP API serializes it. */
import { eventTypeName, type HistoryEvent } from "./history";
import type { InstanceRecord } from "./instance-store";

export type InstanceStatus = Pick<
  InstanceRecord,
  "name" | "instanceId" | "version" | "runtimeStatus" | "input" | "output" | "customStatus" | "createdTime" | "lastUpdatedTime" | "stats"
> & {
  /** The current execution's history (for assertions), when asked for. */
  history?: HistoryEvent[];
};

export interface StatusOptions {
  showHistory?: boolean;
  showInput?: boolean;
}

export function toStatus(record: InstanceRecord, options: StatusOptions = {}): InstanceStatus {
  return {
    name: record.name,
    instanceId: record.instanceId,
    version: record.version,
    runtimeStatus: record.runtimeStatus,
    input: options.showInput === false ? null : structuredClone(record.input),
    output: structuredClone(record.output),
    customStatus: structuredClone(record.customStatus),
    createdTime: new Date(record.createdTime),
    lastUpdatedTime: new Date(record.lastUpdatedTime),
    ...(options.showHistory ? { history: structuredClone(record.history) } : {}),
    stats: { ...record.stats },
  };
}

/**
 * The extension's StatusResponsePayload: times with second precision, history events with type names, and the
 * instance's orchestration version when it has one (omitted otherwise).
 */
export function toWireStatus(
  record: InstanceRecord,
  options: { showHistory: boolean; showHistoryOutput: boolean; showInput: boolean },
): Record<string, unknown> {
  const wire: Record<string, unknown> = {
    name: record.name,
    instanceId: record.instanceId,
    ...(record.version ? { version: record.version } : {}),
    runtimeStatus: record.runtimeStatus,
    input: options.showInput ? record.input : null,
    customStatus: record.customStatus,
    output: record.output,
    createdTime: secondsIso(record.createdTime),
    lastUpdatedTime: secondsIso(record.lastUpdatedTime),
  };
  if (options.showHistory) {
    wire.historyEvents = record.history
      .filter((e) => e.EventType !== 12 && e.EventType !== 13)
      .map((e) => wireEvent(e, options.showHistoryOutput));
  }
  return wire;
}

function wireEvent(e: HistoryEvent, showOutput: boolean): Record<string, unknown> {
  const { EventType: type, IsPlayed: _played, ...rest } = e;
  const copy: Record<string, unknown> = { EventType: eventTypeName(type), ...rest };
  if (!showOutput) delete copy.Result;
  return copy;
}

function secondsIso(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
