/**
 * The work loop: deliver due timers, run one episode per instance with messages, run queued activities, and when
 * nothing else can progress move the virtual clock to the earliest timer. Runs are serialized.
 */
import type { VirtualClock } from "./clock";
import { DurableHostLimitError } from "./errors";
import type { TaskHub } from "./task-hub";

export interface RunOptions {
  /** Move the virtual clock to the next timer when nothing else can progress (default true). */
  advanceClock?: boolean;
  /** Fire no timer due after this instant (default: the host's virtual-time horizon); the clock is not moved to it. */
  until?: Date;
}

export interface RunStats {
  episodes: number;
  replays: number;
  activitiesRun: number;
  timersFired: number;
  virtualStart: Date;
  virtualEnd: Date;
  /** "idle": nothing left that can run; "horizon": timers remain beyond `until` or the host's horizon. */
  stoppedBy: "idle" | "horizon";
  pendingTimers: number;
}

export interface EntityWork {
  hasWork(): boolean;
  runRound(): Promise<number>;
}

export interface PumpOptions {
  hub: TaskHub;
  clock: VirtualClock;
  horizonMs: number;
  maxEpisodesPerRun: number;
  entities?: () => EntityWork | undefined;
}

export class Pump {
  #chain: Promise<unknown> = Promise.resolve();
  #queued = false;
  #backgroundError: unknown;
  #stopped = false;

  constructor(private readonly options: PumpOptions) {}

  /** Runs until idle; runs never overlap (a call waits for the previous run first). */
  run(options: RunOptions = {}): Promise<RunStats> {
    const next = this.#chain.then(() => this.loop(options));
    this.#chain = next.catch(() => undefined);
    return next;
  }

  /** Stops background runs from being scheduled and waits for the current run to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#chain;
  }

  /** Background mode: schedule a run soon, coalescing bursts of new work into one run. */
  kick(options: RunOptions): void {
    if (this.#queued || this.#stopped) return;
    this.#queued = true;
    setImmediate(() => {
      this.#queued = false;
      this.run(options).catch((error: unknown) => {
        this.#backgroundError = error;
      });
    });
  }

  /** Waits until background work is done; rethrows a background failure once. */
  async waitForIdle(options: RunOptions): Promise<RunStats> {
    const stats = await this.run(options);
    if (this.#backgroundError !== undefined) {
      const error = this.#backgroundError;
      this.#backgroundError = undefined;
      throw error;
    }
    return stats;
  }

  private async loop(options: RunOptions): Promise<RunStats> {
    const { hub, clock } = this.options;
    const before = { ...hub.counters };
    const virtualStart = clock.now();
    const horizon = options.until?.getTime() ?? this.options.horizonMs;
    const advance = options.advanceClock ?? true;
    let episodes = 0;
    let stoppedBy: RunStats["stoppedBy"] = "idle";
    for (;;) {
      // Let I/O in (HTTP requests to the management API, progress timers) between rounds.
      await new Promise<void>((resolve) => setImmediate(resolve));
      hub.fireDueTimers();
      if (hub.hasReadyInstances) {
        episodes += await hub.runEpisodeRound();
        if (episodes > this.options.maxEpisodesPerRun) {
          throw new DurableHostLimitError(`More than ${this.options.maxEpisodesPerRun} episodes in one run: is an orchestration looping?`);
        }
        continue;
      }
      const entities = this.options.entities?.();
      if (entities?.hasWork()) {
        await entities.runRound();
        continue;
      }
      if (hub.hasActivityWork) {
        await hub.drainActivities();
        continue;
      }
      const next = hub.nextTimerDueMs();
      if (!advance || next === undefined) break;
      if (next > horizon) {
        // The clock stays where the last work happened; callers move it on with advanceClock if they want.
        stoppedBy = "horizon";
        break;
      }
      clock.advanceTo(next);
    }
    const after = hub.counters;
    return {
      episodes: after.episodes - before.episodes,
      replays: after.replays - before.replays,
      activitiesRun: after.activitiesRun - before.activitiesRun,
      timersFired: after.timersFired - before.timersFired,
      virtualStart,
      virtualEnd: clock.now(),
      stoppedBy,
      pendingTimers: hub.timers.size,
    };
  }
}
