/**
 * DurableTask.Core history events as the extension serializes them to the JavaScript worker (PascalCase JSON).
 * Events without their own sequence id carry EventId -1.
 */

export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;

export type EventTypeName = keyof typeof EventType;

export interface OrchestrationInstanceRef {
  InstanceId: string;
  ExecutionId: string;
}

export interface ParentInstanceInfo {
  Name: string;
  OrchestrationInstance: OrchestrationInstanceRef;
  TaskScheduleId: number;
}

interface Base<T extends number> {
  EventType: T;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
}

export interface ExecutionStartedEvent extends Base<0> {
  Name: string;
  Input: string | null;
  Version: string;
  OrchestrationInstance: OrchestrationInstanceRef;
  ParentInstance: ParentInstanceInfo | null;
}
export interface ExecutionCompletedEvent extends Base<1> {
  OrchestrationStatus: "Completed" | "Failed" | "Terminated";
  Result: string | null;
  Details?: string;
}
export interface ExecutionTerminatedEvent extends Base<3> {
  Input: string;
}
export interface TaskScheduledEvent extends Base<4> {
  Name: string;
  Version: string | null;
  Input: string;
}
export interface TaskCompletedEvent extends Base<5> {
  TaskScheduledId: number;
  Result: string;
}
export interface TaskFailedEvent extends Base<6> {
  TaskScheduledId: number;
  Reason: string;
  Details: string;
}
export interface SubOrchestrationCreatedEvent extends Base<7> {
  Name: string;
  Version: string | null;
  InstanceId: string;
  Input: string;
}
export interface SubOrchestrationCompletedEvent extends Base<8> {
  TaskScheduledId: number;
  Result: string;
}
export interface SubOrchestrationFailedEvent extends Base<9> {
  TaskScheduledId: number;
  Reason: string;
  Details: string;
}
export interface TimerCreatedEvent extends Base<10> {
  FireAt: string;
}
export interface TimerFiredEvent extends Base<11> {
  TimerId: number;
  FireAt: string;
}
export type OrchestratorStartedEvent = Base<12>;
export type OrchestratorCompletedEvent = Base<13>;
export interface EventSentEvent extends Base<14> {
  Name: string;
  InstanceId: string;
  Input: string;
}
export interface EventRaisedEvent extends Base<15> {
  Name: string;
  Input: string | null;
}
export interface ContinueAsNewEvent extends Base<16> {
  Result: string | null;
}
export interface ExecutionSuspendedEvent extends Base<19> {
  Reason: string | null;
}
export interface ExecutionResumedEvent extends Base<20> {
  Reason: string | null;
}

export type HistoryEvent =
  | ExecutionStartedEvent
  | ExecutionCompletedEvent
  | ExecutionTerminatedEvent
  | TaskScheduledEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationCreatedEvent
  | SubOrchestrationCompletedEvent
  | SubOrchestrationFailedEvent
  | TimerCreatedEvent
  | TimerFiredEvent
  | OrchestratorStartedEvent
  | OrchestratorCompletedEvent
  | EventSentEvent
  | EventRaisedEvent
  | ContinueAsNewEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent;

/** Messages a queue delivers to an orchestration (they become history events when an episode takes them). */
export type OrchestrationMessage =
  | ExecutionStartedEvent
  | ExecutionTerminatedEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | SubOrchestrationCompletedEvent
  | SubOrchestrationFailedEvent
  | TimerFiredEvent
  | EventRaisedEvent
  | ExecutionSuspendedEvent
  | ExecutionResumedEvent;

type WithoutBase<E> = Omit<E, "EventType" | "EventId" | "IsPlayed" | "Timestamp">;

function base<T extends number>(type: T, eventId: number, at: Date): Base<T> {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString() };
}

export const events = {
  orchestratorStarted: (at: Date): OrchestratorStartedEvent => base(EventType.OrchestratorStarted, -1, at),
  orchestratorCompleted: (at: Date): OrchestratorCompletedEvent => base(EventType.OrchestratorCompleted, -1, at),
  executionStarted: (at: Date, f: WithoutBase<ExecutionStartedEvent>): ExecutionStartedEvent => ({
    ...base(EventType.ExecutionStarted, -1, at),
    ...f,
  }),
  executionCompleted: (at: Date, id: number, f: WithoutBase<ExecutionCompletedEvent>): ExecutionCompletedEvent => ({
    ...base(EventType.ExecutionCompleted, id, at),
    ...f,
  }),
  executionTerminated: (at: Date, reason: string): ExecutionTerminatedEvent => ({
    ...base(EventType.ExecutionTerminated, -1, at),
    Input: reason,
  }),
  continueAsNew: (at: Date, id: number, result: string | null): ContinueAsNewEvent => ({
    ...base(EventType.ContinueAsNew, id, at),
    Result: result,
  }),
  taskScheduled: (at: Date, id: number, f: WithoutBase<TaskScheduledEvent>): TaskScheduledEvent => ({
    ...base(EventType.TaskScheduled, id, at),
    ...f,
  }),
  taskCompleted: (at: Date, scheduledId: number, result: string): TaskCompletedEvent => ({
    ...base(EventType.TaskCompleted, -1, at),
    TaskScheduledId: scheduledId,
    Result: result,
  }),
  taskFailed: (at: Date, scheduledId: number, reason: string, details: string): TaskFailedEvent => ({
    ...base(EventType.TaskFailed, -1, at),
    TaskScheduledId: scheduledId,
    Reason: reason,
    Details: details,
  }),
  subOrchestrationCreated: (
    at: Date,
    id: number,
    f: WithoutBase<SubOrchestrationCreatedEvent>,
  ): SubOrchestrationCreatedEvent => ({ ...base(EventType.SubOrchestrationInstanceCreated, id, at), ...f }),
  subOrchestrationCompleted: (at: Date, scheduledId: number, result: string): SubOrchestrationCompletedEvent => ({
    ...base(EventType.SubOrchestrationInstanceCompleted, -1, at),
    TaskScheduledId: scheduledId,
    Result: result,
  }),
  subOrchestrationFailed: (
    at: Date,
    scheduledId: number,
    reason: string,
    details: string,
  ): SubOrchestrationFailedEvent => ({
    ...base(EventType.SubOrchestrationInstanceFailed, -1, at),
    TaskScheduledId: scheduledId,
    Reason: reason,
    Details: details,
  }),
  timerCreated: (at: Date, id: number, fireAt: Date): TimerCreatedEvent => ({
    ...base(EventType.TimerCreated, id, at),
    FireAt: fireAt.toISOString(),
  }),
  timerFired: (at: Date, timerId: number, fireAt: string): TimerFiredEvent => ({
    ...base(EventType.TimerFired, -1, at),
    TimerId: timerId,
    FireAt: fireAt,
  }),
  eventSent: (at: Date, id: number, f: WithoutBase<EventSentEvent>): EventSentEvent => ({
    ...base(EventType.EventSent, id, at),
    ...f,
  }),
  eventRaised: (at: Date, name: string, input: string | null): EventRaisedEvent => ({
    ...base(EventType.EventRaised, -1, at),
    Name: name,
    Input: input,
  }),
  executionSuspended: (at: Date, reason: string | null): ExecutionSuspendedEvent => ({
    ...base(EventType.ExecutionSuspended, -1, at),
    Reason: reason,
  }),
  executionResumed: (at: Date, reason: string | null): ExecutionResumedEvent => ({
    ...base(EventType.ExecutionResumed, -1, at),
    Reason: reason,
  }),
};

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(EventType).map(([name, id]) => [id, name]));

export function eventTypeName(type: number): string {
  return NAMES[type] ?? `EventType${type}`;
}

/** One line per episode, e.g. "OrchestratorStarted ExecutionStarted TaskScheduled(Greet)#0 OrchestratorCompleted". */
export function describeHistory(history: readonly HistoryEvent[]): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  for (const e of history) {
    if (e.EventType === EventType.OrchestratorStarted && line.length > 0) {
      lines.push(line.join(" "));
      line = [];
    }
    line.push(describeEvent(e));
  }
  if (line.length > 0) lines.push(line.join(" "));
  return lines;
}

export function describeEvent(e: HistoryEvent): string {
  const name = eventTypeName(e.EventType);
  switch (e.EventType) {
    case EventType.TaskScheduled:
    case EventType.SubOrchestrationInstanceCreated:
      return `${name}(${e.Name})#${e.EventId}`;
    case EventType.TimerCreated:
      return `${name}#${e.EventId}`;
    case EventType.TaskCompleted:
    case EventType.TaskFailed:
    case EventType.SubOrchestrationInstanceCompleted:
    case EventType.SubOrchestrationInstanceFailed:
      return `${name}->${e.TaskScheduledId}`;
    case EventType.TimerFired:
      return `${name}->${e.TimerId}`;
    case EventType.EventRaised:
    case EventType.EventSent:
      return `${name}(${e.Name})`;
    case EventType.ExecutionCompleted:
      return `${name}(${e.OrchestrationStatus})`;
    default:
      return name;
  }
}
