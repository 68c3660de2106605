/** Which queued messages the next episode of an instance takes (DurableTask.Core work-item batching). */
import { EventType, type OrchestrationMessage } from "./history";
import { isTerminal, type InboxMessage, type InstanceRecord } from "./instance-store";
import type { BatchMode } from "./task-hub";

function isControl(m: InboxMessage): boolean {
  return m.event.EventType === EventType.ExecutionSuspended || m.event.EventType === EventType.ExecutionResumed;
}

/**
 * Removes and returns the next batch: at most `batch` messages, a suspend/resume message alone, only resume or
 * terminate while suspended. Messages for an earlier execution, or for a finished instance, are discarded.
 */
export function takeMessages(record: InstanceRecord, batch: BatchMode): OrchestrationMessage[] {
  record.inbox = record.inbox.filter((m) => !m.executionId || m.executionId === record.executionId);
  if (isTerminal(record.runtimeStatus)) {
    record.inbox = [];
    return [];
  }
  if (record.runtimeStatus === "Suspended") {
    const at = record.inbox.findIndex(
      (m) => m.event.EventType === EventType.ExecutionResumed || m.event.EventType === EventType.ExecutionTerminated,
    );
    return at < 0 ? [] : record.inbox.splice(at, 1).map((m) => m.event);
  }
  const first = record.inbox[0];
  if (first && isControl(first)) return record.inbox.splice(0, 1).map((m) => m.event);
  const limit = batch === "all" ? Number.POSITIVE_INFINITY : Math.max(1, batch);
  const taken: OrchestrationMessage[] = [];
  while (taken.length < limit && record.inbox.length > 0 && !isControl(record.inbox[0] as InboxMessage)) {
    taken.push((record.inbox.shift() as InboxMessage).event);
  }
  return taken;
}
