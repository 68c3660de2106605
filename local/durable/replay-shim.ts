/**
 * The extension side of an out-of-process replay (OutOfProcOrchestrationShim on DurableTask.Core).
 *
 * The shim walks the JS actions in order, invoking each Durable API and awaiting it before the next; DurableTask.Core
 * assigns a sequence id to each scheduled activity, timer, sub-orchestration and sent event at invocation time,
 * and while it replays the history it checks every TaskScheduled/TimerCreated/SubOrchestrationInstanceCreated/EventSent
 * event against the action invoked with that id (same id, same kind, same name case-insensitively). Completions
 * resume awaiting code synchronously, so retries create their timers and re-attempts in history order.
 * Actions left unmatched at the end are this episode's new decisions.
 */
import type { OrchestratorAction, RetryPolicy } from "./actions";
import { NonDeterministicOrchestrationError, OrchestrationProtocolError } from "./errors";
import { EventType, type EventRaisedEvent, type HistoryEvent } from "./history";
import { computeNextRetryDelayMs } from "./retry";
import { ShimTask, completedTask, whenAll, whenAny } from "./shim-tasks";
import { LONG_RUNNING_TIMER_INTERVAL_MS, MAXIMUM_SHORT_TIMER_MS, MAX_ORCHESTRATION_ACTIONS } from "./timer-settings";

export type Decision =
  | { kind: "task"; id: number; name: string; input: unknown }
  | { kind: "timer"; id: number; fireAt: Date }
  | { kind: "subOrchestration"; id: number; name: string; instanceId: string; version: string; input: unknown }
  | { kind: "sendEvent"; id: number; targetInstanceId: string; eventName: string; input: unknown };

export interface ShimResult {
  /** Invoked actions that history has not recorded yet, in sequence-id order. */
  decisions: Decision[];
  /** True when every action was invoked and awaited to completion (only then can the orchestration finish). */
  finished: boolean;
  continueAsNew?: { input: unknown };
  /** External events that arrived after continueAsNew: they move to the next execution. */
  carryOverEvents: EventRaisedEvent[];
  nextSequenceId: number;
}

export interface EntityRequestArgs {
  operation: string;
  input: unknown;
  signal: boolean;
  targetInstanceId: string;
  /** The calling orchestration. */
  instanceId: string;
  executionId: string;
  sequenceId: number;
}

export interface EntityMessageFactory {
  /** The request a callEntity/signalEntity sends; `requestId` names the response event a call waits for. */
  request(args: EntityRequestArgs): { requestId: string; eventName: string; input: unknown };
}

export interface ShimOptions {
  instanceId: string;
  executionId: string;
  actions: readonly OrchestratorAction[];
  history: readonly HistoryEvent[];
  entityMessages?: EntityMessageFactory;
  /** The worker's defaultVersion: the version of sub-orchestrations the code starts without one. */
  defaultVersion?: string;
}

const ACTION_CLASS: Record<Decision["kind"], string> = {
  task: "ScheduleTaskOrchestratorAction",
  timer: "CreateTimerOrchestratorAction",
  subOrchestration: "CreateSubOrchestrationAction",
  sendEvent: "SendEventOrchestratorAction",
};

const CHANGED = "Was a change made to the orchestrator code after this instance had already started running?";

export function replayActions(options: ShimOptions): ShimResult {
  return new ShimReplay(options).run();
}

class ShimReplay {
  private idCounter = 0;
  private actionCount = 0;
  private readonly pending = new Map<number, Decision>();
  private readonly open = new Map<number, ShimTask>();
  private readonly waiters = new Map<string, ShimTask[]>();
  private readonly buffered = new Map<string, EventRaisedEvent[]>();
  private nowMs = 0;
  private cursor = 0;
  private awaiting: ShimTask | undefined;
  private finished = false;
  private continueAsNew: { input: unknown } | undefined;
  private readonly carryOver: EventRaisedEvent[] = [];

  constructor(private readonly options: ShimOptions) {}

  run(): ShimResult {
    for (const event of this.options.history) this.process(event);
    return {
      decisions: [...this.pending.values()].sort((a, b) => a.id - b.id),
      finished: this.finished,
      ...(this.continueAsNew ? { continueAsNew: this.continueAsNew } : {}),
      carryOverEvents: this.carryOver,
      nextSequenceId: this.idCounter,
    };
  }

  private process(event: HistoryEvent): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        this.nowMs = Math.max(this.nowMs, Date.parse(event.Timestamp));
        return;
      case EventType.ExecutionStarted:
        this.advance();
        return;
      case EventType.TaskScheduled:
        return this.match(event.EventId, "task", event.Name, `an activity task with sequence ID ${event.EventId} and name '${event.Name}'`);
      case EventType.TimerCreated:
        return this.match(event.EventId, "timer", undefined, `a timer task with sequence number ${event.EventId}`);
      case EventType.SubOrchestrationInstanceCreated:
        return this.match(
          event.EventId,
          "subOrchestration",
          event.Name,
          `a sub-orchestration task with sequence ID ${event.EventId} and name '${event.Name}' (version '${event.Version ?? ""}', instance ID '${event.InstanceId}')`,
        );
      case EventType.EventSent:
        return this.match(event.EventId, "sendEvent", event.Name, `a send event task with sequence ID ${event.EventId} and name '${event.Name}'`);
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        return this.resolve(event.TaskScheduledId, false);
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        return this.resolve(event.TaskScheduledId, true);
      case EventType.TimerFired:
        return this.resolve(event.TimerId, false);
      case EventType.EventRaised:
        return this.raise(event);
      default:
        return;
    }
  }

  private match(id: number, kind: Decision["kind"], name: string | undefined, recorded: string): void {
    const current = this.pending.get(id);
    if (!current) {
      throw new NonDeterministicOrchestrationError(
        id,
        `A previous execution of this orchestration scheduled ${recorded}, but the current replay execution hasn't (yet?) scheduled this task. ${CHANGED}`,
      );
    }
    if (current.kind !== kind) {
      throw new NonDeterministicOrchestrationError(
        id,
        `A previous execution of this orchestration scheduled ${recorded}, but the current orchestration replay instead produced a ${ACTION_CLASS[current.kind]} action with this sequence number. ${CHANGED}`,
      );
    }
    const currentName = current.kind === "task" || current.kind === "subOrchestration" ? current.name : current.kind === "sendEvent" ? current.eventName : undefined;
    if (name !== undefined && currentName !== undefined && name.toLowerCase() !== currentName.toLowerCase()) {
      throw new NonDeterministicOrchestrationError(
        id,
        `A previous execution of this orchestration scheduled ${recorded}, but the current orchestration replay instead scheduled one named '${currentName}' with this sequence number. ${CHANGED}`,
      );
    }
    this.pending.delete(id);
  }

  private resolve(id: number, failed: boolean): void {
    const task = this.open.get(id);
    if (!task) return; // DurableTask.Core logs a duplicate event and ignores it (e.g. a canceled timer firing)
    this.open.delete(id);
    task.complete(failed);
  }

  private raise(event: EventRaisedEvent): void {
    if (this.continueAsNew) {
      this.carryOver.push(event);
      return;
    }
    const key = event.Name.toLowerCase();
    const waiting = this.waiters.get(key);
    const waiter = waiting?.pop(); // the extension keeps waiters on a stack
    if (waiter) {
      waiter.complete(false);
      return;
    }
    const queue = this.buffered.get(key) ?? [];
    queue.push(event);
    this.buffered.set(key, queue);
  }

  /** The shim's loop: invoke the next action, await it, repeat. */
  private advance(): void {
    while (!this.awaiting || this.awaiting.done) {
      const action = this.options.actions[this.cursor];
      if (action === undefined) {
        this.finished = true;
        return;
      }
      this.cursor += 1;
      this.awaiting = this.invoke(action);
    }
    this.awaiting.onDone(() => this.advance());
  }

  private nextId(): number {
    return this.idCounter++;
  }

  private countAction(): void {
    this.actionCount += 1;
    if (this.actionCount > MAX_ORCHESTRATION_ACTIONS) {
      throw new OrchestrationProtocolError(
        `Maximum amount of orchestration actions (${MAX_ORCHESTRATION_ACTIONS}) has been reached. This value can be configured in host.json file as MaxOrchestrationActions.`,
      );
    }
  }

  private invoke(action: OrchestratorAction): ShimTask {
    switch (action.kind) {
      case "callActivity":
        this.countAction();
        return action.retry
          ? this.withRetry(action.retry, () => this.scheduleTask(action.name, action.input))
          : this.scheduleTask(action.name, action.input);
      case "callSubOrchestrator":
        this.countAction();
        return action.retry
          ? this.withRetry(action.retry, () => this.scheduleSubOrchestration(action.name, action.instanceId, action.version, action.input))
          : this.scheduleSubOrchestration(action.name, action.instanceId, action.version, action.input);
      case "createTimer":
        this.countAction();
        return this.createTimer(action.fireAt, action.isCanceled);
      case "waitForExternalEvent":
        this.countAction();
        return this.waitForEvent(action.eventName);
      case "continueAsNew":
        this.continueAsNew = { input: action.input };
        return completedTask();
      case "whenAll":
        return whenAll(action.children.map((child) => this.invoke(child)));
      case "whenAny":
        return whenAny(action.children.map((child) => this.invoke(child)));
      case "callEntity":
      case "signalEntity":
        this.countAction();
        return this.sendEntityMessage(action.kind === "signalEntity", action.entityInstanceId, action.operation, action.input);
      case "unsupported":
        throw new OrchestrationProtocolError(`The local durable host does not support the ${action.label} action.`);
    }
  }

  private openTask(id: number): ShimTask {
    const task = new ShimTask();
    this.open.set(id, task);
    return task;
  }

  private scheduleTask(name: string, input: unknown): ShimTask {
    const id = this.nextId();
    this.pending.set(id, { kind: "task", id, name, input });
    return this.openTask(id);
  }

  private scheduleSubOrchestration(name: string, instanceId: string | undefined, version: string | undefined, input: unknown): ShimTask {
    const id = this.nextId();
    const childId = instanceId ?? `${this.options.executionId}:${id}`;
    const childVersion = version ?? this.options.defaultVersion ?? "";
    this.pending.set(id, { kind: "subOrchestration", id, name, instanceId: childId, version: childVersion, input });
    return this.openTask(id);
  }

  private scheduleTimer(fireAt: Date): ShimTask {
    const id = this.nextId();
    this.pending.set(id, { kind: "timer", id, fireAt });
    return this.openTask(id);
  }

  /** Timers beyond the maximum short duration are chained in long-running intervals, as the extension does. */
  private createTimer(fireAt: Date, isCanceled: boolean): ShimTask {
    const finalMs = fireAt.getTime();
    const result = new ShimTask();
    const scheduleNext = (): void => {
      const nextMs = finalMs - this.nowMs > MAXIMUM_SHORT_TIMER_MS ? this.nowMs + LONG_RUNNING_TIMER_INTERVAL_MS : finalMs;
      const chunk = this.scheduleTimer(new Date(nextMs));
      if (isCanceled) {
        // The timer is still created (and will fire); only its awaiter is released.
        this.open.delete(this.idCounter - 1);
        result.complete(false);
        return;
      }
      chunk.onDone(() => (this.nowMs < finalMs ? scheduleNext() : result.complete(false)));
    };
    scheduleNext();
    return result;
  }

  private waitForEvent(name: string): ShimTask {
    const key = name.toLowerCase();
    const queue = this.buffered.get(key);
    if (queue && queue.length > 0) {
      queue.shift();
      return completedTask();
    }
    const task = new ShimTask();
    const list = this.waiters.get(key) ?? [];
    list.push(task);
    this.waiters.set(key, list);
    return task;
  }

  /** DurableTask.Core RetryInterceptor: a timer after every failure (even the last), a new task id per re-attempt. */
  private withRetry(policy: RetryPolicy, attempt: () => ShimTask): ShimTask {
    const result = new ShimTask();
    const firstAttemptMs = this.nowMs;
    const run = (retryCount: number): void => {
      const call = attempt();
      call.onDone(() => {
        if (!call.failed) return result.complete(false);
        const delay = computeNextRetryDelayMs(policy, retryCount, firstAttemptMs, this.nowMs);
        if (delay <= 0) return result.complete(true);
        const timer = this.scheduleTimer(new Date(this.nowMs + delay));
        timer.onDone(() => (retryCount + 1 < policy.maxNumberOfAttempts ? run(retryCount + 1) : result.complete(true)));
      });
    };
    run(0);
    return result;
  }

  private sendEntityMessage(signal: boolean, targetInstanceId: string, operation: string, input: unknown): ShimTask {
    const factory = this.options.entityMessages;
    if (!factory) throw new OrchestrationProtocolError("The local durable host was not given an entity message factory.");
    const id = this.nextId();
    const { instanceId, executionId } = this.options;
    const message = factory.request({ operation, input, signal, targetInstanceId, instanceId, executionId, sequenceId: id });
    this.pending.set(id, { kind: "sendEvent", id, targetInstanceId, eventName: message.eventName, input: message.input });
    return signal ? completedTask() : this.waitForEvent(message.requestId);
  }
}
