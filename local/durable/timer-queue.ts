/** Durable timers waiting for the virtual clock, ordered by due time then by creation. */

export interface PendingTimer {
  fireAtMs: number;
  instanceId: string;
  executionId: string;
  timerId: number;
  fireAt: string;
}

export class TimerQueue {
  readonly #timers: (PendingTimer & { seq: number })[] = [];
  #seq = 0;

  add(timer: PendingTimer): void {
    const entry = { ...timer, seq: this.#seq++ };
    let i = this.#timers.length;
    while (i > 0 && (this.#timers[i - 1] as PendingTimer & { seq: number }).fireAtMs > entry.fireAtMs) i--;
    this.#timers.splice(i, 0, entry);
  }

  get size(): number {
    return this.#timers.length;
  }

  nextDueMs(): number | undefined {
    return this.#timers[0]?.fireAtMs;
  }

  /** Removes and returns every timer due at or before `nowMs`. */
  takeDue(nowMs: number): PendingTimer[] {
    let count = 0;
    while (count < this.#timers.length && (this.#timers[count] as PendingTimer).fireAtMs <= nowMs) count++;
    return this.#timers.splice(0, count);
  }

  /** Drops timers nobody can receive any more (their execution finished or was replaced). */
  prune(isLive: (timer: PendingTimer) => boolean): void {
    for (let i = this.#timers.length - 1; i >= 0; i--) {
      if (!isLive(this.#timers[i] as PendingTimer)) this.#timers.splice(i, 1);
    }
  }
}
