/**
 * The task hub: instance lifecycle, message queues (one inbox per instance), the activity work queue and durable
 * timers, plus applying each episode's outcome the way DurableTask.Core's dispatchers do.
 */
import { randomUUID } from "node:crypto";
import { runActivities, type ActivityWork } from "./activity-runner";
import type { VirtualClock } from "./clock";
import { runEpisode, jsonText, type EpisodeOutcome } from "./episode";
import { DurableManagementError } from "./errors";
import type { FunctionRegistry } from "./functions-core";
import { EventType, events, type HistoryEvent, type OrchestrationMessage } from "./history";
import { takeMessages } from "./inbox";
import {
  InstanceStore,
  NON_RUNNING_STATUSES,
  TERMINAL_STATUSES,
  isTerminal,
  parseStoredJson,
  validateInstanceId,
  type InstanceFilter,
  type InstanceRecord,
  type ParentLink,
} from "./instance-store";
import type { FunctionInvoker } from "./invoker";
import type { Decision, EntityMessageFactory } from "./replay-shim";
import { TimerQueue, type PendingTimer } from "./timer-queue";
import { VERSION_MISMATCH, versionVerdict, type VersioningSettings } from "./versioning";

export type BatchMode = "all" | number;

/** Entity support plugs in here (phase two): it receives sent events and supplies request messages. */
export interface EntityRouter extends EntityMessageFactory {
  send(from: InstanceRecord, decision: Extract<Decision, { kind: "sendEvent" }>): void;
}

export interface TaskHubOptions {
  store: InstanceStore;
  clock: VirtualClock;
  invoker: FunctionInvoker;
  registry: () => FunctionRegistry;
  batch: BatchMode;
  maxConcurrentActivities: number;
  /** The running deployment's host.json versioning (defaultVersion and the match/failure strategies). */
  versioning: () => VersioningSettings;
  onWork: () => void;
  /** Warnings the runtime would log (e.g. a work item abandoned for its version). */
  warn?: (instance: InstanceRecord, message: string) => void;
}

export interface HubCounters {
  episodes: number;
  replays: number;
  activitiesRun: number;
  timersFired: number;
}

export class TaskHub {
  readonly timers = new TimerQueue();
  readonly counters: HubCounters = { episodes: 0, replays: 0, activitiesRun: 0, timersFired: 0 };
  entities: EntityRouter | undefined;
  readonly #ready = new Set<string>();
  readonly #activities: ActivityWork[] = [];

  constructor(private readonly options: TaskHubOptions) {}

  get store(): InstanceStore {
    return this.options.store;
  }

  get hasReadyInstances(): boolean {
    return this.#ready.size > 0;
  }

  get hasActivityWork(): boolean {
    return this.#activities.length > 0;
  }

  // ---- management operations (what the extension's HTTP API and DurableClient do) ----

  /** Starts an instance at `version`, or at the deployment's defaultVersion when none is given. */
  startNew(name: string, instanceId: string | undefined, inputText: string | null, version?: string): InstanceRecord {
    const registration = this.options.registry().get(name);
    if (!registration || registration.triggerType.toLowerCase() !== "orchestrationtrigger") {
      const known = this.options.registry().byTrigger("orchestrationTrigger").map((r) => `'${r.name}'`).join(", ");
      throw new DurableManagementError(
        "bad-request",
        `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function. Additional info: The following are the active orchestrator functions: ${known}.`,
        400,
      );
    }
    const id = instanceId ?? randomUUID().replaceAll("-", "");
    validateInstanceId(id);
    const existing = this.store.get(id);
    if (existing && !NON_RUNNING_STATUSES.includes(existing.runtimeStatus)) {
      throw new DurableManagementError(
        "instance-exists",
        `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`,
        409,
      );
    }
    return this.createInstance(registration.name, id, inputText, version || this.options.versioning().defaultVersion);
  }

  raiseEvent(instanceId: string, eventName: string, inputText: string | null): void {
    this.requireActive(instanceId);
    this.deliver(instanceId, events.eventRaised(this.now(), eventName, inputText));
  }

  terminate(instanceId: string, reason: string): void {
    this.requireActive(instanceId);
    this.deliver(instanceId, events.executionTerminated(this.now(), reason));
  }

  suspend(instanceId: string, reason: string | null): void {
    this.requireActive(instanceId);
    this.deliver(instanceId, events.executionSuspended(this.now(), reason));
  }

  resume(instanceId: string, reason: string | null): void {
    this.requireActive(instanceId);
    this.deliver(instanceId, events.executionResumed(this.now(), reason));
  }

  /** Deletes a finished instance; 0 when unknown. */
  purge(instanceId: string): number {
    const record = this.store.get(instanceId);
    if (!record) return 0;
    if (!isTerminal(record.runtimeStatus)) {
      throw new DurableManagementError(
        "instance-not-finished",
        `Only orchestrations in a terminal state can be purged, but the orchestration with instance ID ${instanceId} has status ${record.runtimeStatus}`,
        412,
      );
    }
    return this.store.delete(instanceId) ? 1 : 0;
  }

  purgeBy(filter: InstanceFilter): number {
    const statuses = filter.runtimeStatus?.length ? filter.runtimeStatus.filter(isTerminal) : TERMINAL_STATUSES;
    const doomed = this.store.list({ ...filter, runtimeStatus: statuses });
    for (const record of doomed) this.store.delete(record.instanceId);
    return doomed.length;
  }

  // ---- runtime ----

  /** Delivers every timer due on the virtual clock. */
  fireDueTimers(): number {
    this.timers.prune((t) => this.isLive(t));
    const due = this.timers.takeDue(this.options.clock.nowMs());
    for (const timer of due) this.deliver(timer.instanceId, events.timerFired(this.now(), timer.timerId, timer.fireAt), timer.executionId);
    this.counters.timersFired += due.length;
    return due.length;
  }

  nextTimerDueMs(): number | undefined {
    this.timers.prune((t) => this.isLive(t));
    return this.timers.nextDueMs();
  }

  /** One episode for each instance with queued messages. */
  async runEpisodeRound(): Promise<number> {
    const ids = [...this.#ready];
    this.#ready.clear();
    let ran = 0;
    for (const id of ids) {
      const record = this.store.get(id);
      if (!record) continue;
      const verdict = isTerminal(record.runtimeStatus) ? "run" : versionVerdict(this.options.versioning(), record.version);
      if (verdict === "reject") {
        // The work item is abandoned: its messages stay queued until a worker of a matching version takes them.
        record.stats.rejectedWorkItems += 1;
        this.options.warn?.(record, this.mismatchMessage(record, "abandoned; it stays queued for a worker of a matching version"));
        continue;
      }
      const messages = takeMessages(record, this.options.batch);
      // Messages held back (e.g. while suspended) wait for the next delivery to this instance.
      if (messages.length === 0) continue;
      if (record.inbox.length > 0) this.#ready.add(id);
      if (verdict === "fail") this.failVersionMismatch(record, messages);
      else await this.runInstanceEpisode(record, messages);
      ran += 1;
    }
    return ran;
  }

  /** A new deployment took over: instances with queued work (some abandoned by the last one) are offered to it. */
  redeployed(): void {
    for (const record of this.store.all()) {
      if (record.inbox.length > 0 && !isTerminal(record.runtimeStatus)) this.#ready.add(record.instanceId);
    }
    if (this.#ready.size > 0) this.options.onWork();
  }

  /** Runs every queued activity (concurrently, bounded) and queues their completions. */
  async drainActivities(): Promise<number> {
    const items = this.#activities.splice(0);
    const completions = await runActivities(
      this.options.invoker,
      this.options.registry(),
      items,
      this.options.maxConcurrentActivities,
      () => this.now(),
    );
    for (const c of completions) this.deliver(c.work.instanceId, c.event, c.work.executionId);
    this.counters.activitiesRun += items.length;
    return items.length;
  }

  /** Queues a message for an instance; unknown instances drop it, as a queue message for a missing instance would be. */
  deliver(instanceId: string, event: OrchestrationMessage, executionId?: string): void {
    const record = this.store.get(instanceId);
    if (!record) return;
    record.inbox.push(executionId ? { event, executionId } : { event });
    this.#ready.add(instanceId);
    this.options.onWork();
  }

  // ---- internals ----

  private now(): Date {
    return this.options.clock.now();
  }

  private requireActive(instanceId: string): InstanceRecord {
    const record = this.store.get(instanceId);
    if (!record) throw new DurableManagementError("instance-not-found", `No instance with ID '${instanceId}' found.`, 404);
    if (isTerminal(record.runtimeStatus)) {
      throw new DurableManagementError("instance-finished", `The instance '${instanceId}' is ${record.runtimeStatus}.`, 410);
    }
    return record;
  }

  private isLive(timer: PendingTimer): boolean {
    const record = this.store.get(timer.instanceId);
    return !!record && record.executionId === timer.executionId && !isTerminal(record.runtimeStatus);
  }

  private createInstance(name: string, instanceId: string, inputText: string | null, version: string, parent?: ParentLink): InstanceRecord {
    const now = this.now();
    const executionId = randomUUID();
    const record: InstanceRecord = {
      instanceId,
      name,
      version,
      executionId,
      runtimeStatus: "Pending",
      input: parseStoredJson(inputText),
      output: null,
      customStatus: null,
      createdTime: now,
      lastUpdatedTime: now,
      history: [],
      inbox: [],
      ...(parent ? { parent } : {}),
      stats: { replays: 0, episodes: 0, executions: 1, largestHistory: 0, rejectedWorkItems: 0 },
    };
    this.store.put(record);
    this.deliver(instanceId, this.startedEvent(record, inputText), executionId);
    return record;
  }

  private startedEvent(record: InstanceRecord, inputText: string | null): OrchestrationMessage {
    const parent = record.parent;
    return events.executionStarted(this.now(), {
      Name: record.name,
      Input: inputText,
      Version: record.version,
      OrchestrationInstance: { InstanceId: record.instanceId, ExecutionId: record.executionId },
      ParentInstance: parent
        ? {
            Name: parent.name,
            OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
            TaskScheduleId: parent.taskScheduledId,
          }
        : null,
    });
  }

  private mismatchMessage(record: InstanceRecord, outcome: string): string {
    const settings = this.options.versioning();
    return `Orchestration '${record.name}' instance '${record.instanceId}' has version '${record.version}'; this worker's defaultVersion is '${settings.defaultVersion}' (versionMatchStrategy ${settings.matchStrategy}): the work item was ${outcome}.`;
  }

  /** versionFailureStrategy Fail: DurableTask.Core completes the instance as Failed without running the orchestrator. */
  private failVersionMismatch(record: InstanceRecord, messages: OrchestrationMessage[]): void {
    const now = this.now();
    const reason = VERSION_MISMATCH.message;
    const details = `${VERSION_MISMATCH.errorType}: ${this.mismatchMessage(record, "failed")}`;
    const delivered = [events.orchestratorStarted(now), ...messages];
    const completed = events.executionCompleted(now, record.history.length, {
      OrchestrationStatus: "Failed",
      Result: reason,
      Details: details,
    });
    this.apply(record, {
      events: [...delivered, completed, events.orchestratorCompleted(now)],
      decisions: [],
      customStatus: null,
      result: { kind: "failed", reason, details },
      replayed: false,
    });
  }

  private async runInstanceEpisode(record: InstanceRecord, messages: OrchestrationMessage[]): Promise<void> {
    const first = messages[0] as OrchestrationMessage;
    if (first.EventType === EventType.ExecutionSuspended || first.EventType === EventType.ExecutionResumed) {
      const now = this.now();
      this.appendEpisode(record, [events.orchestratorStarted(now), first, events.orchestratorCompleted(now)], false);
      record.runtimeStatus = first.EventType === EventType.ExecutionSuspended ? "Suspended" : "Running";
      return;
    }
    const outcome = await runEpisode(
      this.options.invoker,
      {
        instanceId: record.instanceId,
        name: record.name,
        executionId: record.executionId,
        parentInstanceId: record.parent?.instanceId ?? null,
        pastHistory: record.history,
        defaultVersion: this.options.versioning().defaultVersion,
      },
      messages,
      this.now(),
      this.entities,
    );
    this.apply(record, outcome);
  }

  private appendEpisode(record: InstanceRecord, newEvents: HistoryEvent[], replayed: boolean): void {
    // Once an episode is committed its events count as played for every later replay.
    for (const event of newEvents) record.history.push({ ...event, IsPlayed: true });
    record.lastUpdatedTime = this.now();
    record.stats.episodes += 1;
    record.stats.largestHistory = Math.max(record.stats.largestHistory, record.history.length);
    this.counters.episodes += 1;
    if (replayed) {
      record.stats.replays += 1;
      this.counters.replays += 1;
    }
  }

  private apply(record: InstanceRecord, outcome: EpisodeOutcome): void {
    this.appendEpisode(record, outcome.events, outcome.replayed);
    if (outcome.replayed) record.customStatus = outcome.customStatus;
    for (const decision of outcome.decisions) this.dispatch(record, decision);
    const result = outcome.result;
    switch (result.kind) {
      case "running":
        record.runtimeStatus = "Running";
        return;
      case "completed": {
        const resultText = jsonText(result.output);
        record.runtimeStatus = "Completed";
        record.output = parseStoredJson(resultText);
        return this.notifyParent(record, (p, at) => events.subOrchestrationCompleted(at, p.taskScheduledId, resultText));
      }
      case "failed":
        record.runtimeStatus = "Failed";
        record.output = result.reason;
        return this.notifyParent(record, (p, at) => events.subOrchestrationFailed(at, p.taskScheduledId, result.reason, result.details));
      case "terminated":
        record.runtimeStatus = "Terminated";
        record.output = parseStoredJson(result.reason);
        return this.notifyParent(record, (p, at) => events.subOrchestrationFailed(at, p.taskScheduledId, result.reason, ""));
      case "continuedAsNew": {
        const inputText = jsonText(result.input);
        record.runtimeStatus = "ContinuedAsNew";
        record.executionId = randomUUID();
        record.history = [];
        record.input = parseStoredJson(inputText);
        record.stats.executions += 1;
        const carried = result.carryOver.map((event) => ({ event }));
        record.inbox = [{ event: this.startedEvent(record, inputText), executionId: record.executionId }, ...carried, ...record.inbox];
        this.#ready.add(record.instanceId);
        this.options.onWork();
        return;
      }
    }
  }

  private notifyParent(record: InstanceRecord, make: (parent: ParentLink, at: Date) => OrchestrationMessage): void {
    if (record.parent) this.deliver(record.parent.instanceId, make(record.parent, this.now()), record.parent.executionId);
  }

  private dispatch(record: InstanceRecord, decision: Decision): void {
    switch (decision.kind) {
      case "task":
        this.#activities.push({
          instanceId: record.instanceId,
          executionId: record.executionId,
          taskScheduledId: decision.id,
          name: decision.name,
          input: decision.input,
        });
        this.options.onWork();
        return;
      case "timer":
        this.timers.add({
          fireAtMs: decision.fireAt.getTime(),
          instanceId: record.instanceId,
          executionId: record.executionId,
          timerId: decision.id,
          fireAt: decision.fireAt.toISOString(),
        });
        return;
      case "subOrchestration":
        return this.startChild(record, decision);
      case "sendEvent":
        if (!this.entities) throw new Error("Entity messages need an entity router.");
        return this.entities.send(record, decision);
    }
  }

  private startChild(parent: InstanceRecord, decision: Extract<Decision, { kind: "subOrchestration" }>): void {
    const fail = (reason: string): void =>
      this.deliver(parent.instanceId, events.subOrchestrationFailed(this.now(), decision.id, reason, ""), parent.executionId);
    const registration = this.options.registry().get(decision.name);
    if (!registration || registration.triggerType.toLowerCase() !== "orchestrationtrigger") {
      return fail(`The function '${decision.name}' doesn't exist, is disabled, or is not an orchestrator function.`);
    }
    const existing = this.store.get(decision.instanceId);
    if (existing && !isTerminal(existing.runtimeStatus)) {
      return fail(`An Orchestration instance with the status ${existing.runtimeStatus} already exists.`);
    }
    this.createInstance(registration.name, decision.instanceId, jsonText(decision.input), decision.version, {
      name: parent.name,
      instanceId: parent.instanceId,
      executionId: parent.executionId,
      taskScheduledId: decision.id,
    });
  }
}
