/**
 * Replays a recorded instance history against the code a registry serves now, episode by episode, the way a worker
 * of a new deployment picks up an instance in flight: each episode gets the messages it got when it was recorded and
 * must make the same decisions (sequence ids, kinds and names, as DurableTask.Core checks them) and end the same way
 * (still running, completed, failed, continued as new). The first episode that differs is the answer.
 */
import { entityRequest } from "./entities";
import { runEpisode } from "./episode";
import type { FunctionRegistry } from "./functions-core";
import { EventType, describeEvent, type ExecutionStartedEvent, type HistoryEvent, type OrchestrationMessage } from "./history";
import { FunctionInvoker } from "./invoker";

export interface RecordedInstance {
  /** The orchestrator function's name. */
  name: string;
  instanceId: string;
  /** The execution's whole history, as the host recorded it (OrchestratorStarted ... OrchestratorCompleted episodes). */
  history: HistoryEvent[];
}

export interface ReplayDivergence {
  /** 0-based episode index. */
  episode: number;
  /** The decisions and end the recording has for that episode, e.g. ["TaskScheduled(Preflight)#0"]. */
  recorded: string[];
  /** What the current code decided instead. */
  replayed: string[];
  /** Why the replay failed, when it did (e.g. the non-determinism message). */
  reason?: string;
}

export interface RecordedReplayResult {
  episodes: number;
  divergence?: ReplayDivergence;
}

const MESSAGE_TYPES = new Set<number>([
  EventType.ExecutionStarted,
  EventType.ExecutionTerminated,
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
  EventType.TimerFired,
  EventType.EventRaised,
  EventType.ExecutionSuspended,
  EventType.ExecutionResumed,
]);

const OUTCOME_TYPES = new Set<number>([
  EventType.TaskScheduled,
  EventType.TimerCreated,
  EventType.SubOrchestrationInstanceCreated,
  EventType.EventSent,
  EventType.ExecutionCompleted,
  EventType.ContinueAsNew,
]);

export async function replayRecordedInstance(registry: FunctionRegistry, recorded: RecordedInstance): Promise<RecordedReplayResult> {
  const started = recorded.history.find((e): e is ExecutionStartedEvent => e.EventType === EventType.ExecutionStarted);
  if (!started) throw new Error(`The recorded history of ${recorded.instanceId} has no ExecutionStarted event.`);
  const invoker = new FunctionInvoker(() => registry, () => undefined);
  const episodes = splitEpisodes(recorded.history);
  let past: HistoryEvent[] = [];
  for (const [index, episode] of episodes.entries()) {
    // A suspend or resume episode replays too: the orchestrator decides nothing new in it, as recorded.
    const messages = episode.filter((e): e is OrchestrationMessage => MESSAGE_TYPES.has(e.EventType));
    const outcome = await runEpisode(
      invoker,
      {
        instanceId: recorded.instanceId,
        name: recorded.name,
        executionId: started.OrchestrationInstance.ExecutionId,
        parentInstanceId: started.ParentInstance?.OrchestrationInstance.InstanceId ?? null,
        pastHistory: past,
        defaultVersion: started.Version,
      },
      messages,
      new Date((episode[0] as HistoryEvent).Timestamp),
      { request: entityRequest },
    );
    const want = outcomes(episode);
    const got = outcomes(outcome.events);
    if (!sameOutcomes(want, got)) {
      const reason = outcome.result.kind === "failed" ? outcome.result.reason : undefined;
      return { episodes: episodes.length, divergence: { episode: index, recorded: want, replayed: got, ...(reason ? { reason } : {}) } };
    }
    past = [...past, ...episode];
  }
  return { episodes: episodes.length };
}

/** One line saying where a replay went another way than its recording. */
export function describeDivergence(divergence: ReplayDivergence): string {
  const list = (items: string[]) => (items.length > 0 ? items.join(" ") : "(nothing)");
  return (
    `episode ${divergence.episode}: recorded ${list(divergence.recorded)}; the current code did ${list(divergence.replayed)}` +
    (divergence.reason ? ` (${divergence.reason})` : "")
  );
}

function splitEpisodes(history: readonly HistoryEvent[]): HistoryEvent[][] {
  const episodes: HistoryEvent[][] = [];
  for (const event of history) {
    if (event.EventType === EventType.OrchestratorStarted) episodes.push([]);
    episodes[episodes.length - 1]?.push(event);
  }
  return episodes;
}

function outcomes(events: readonly HistoryEvent[]): string[] {
  return events.filter((e) => OUTCOME_TYPES.has(e.EventType)).map(describeEvent);
}

// DurableTask.Core compares names case-insensitively.
function sameOutcomes(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((item, i) => item.toLowerCase() === (b[i] as string).toLowerCase());
}
