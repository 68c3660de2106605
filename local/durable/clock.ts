/** The host's virtual clock: time moves only when the host (or a test) moves it. Never sleeps. */
export class VirtualClock {
  #now: number;

  constructor(start: Date | string | number = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.#now = new Date(start).getTime();
    if (Number.isNaN(this.#now)) throw new RangeError(`Invalid clock start: ${String(start)}`);
  }

  now(): Date {
    return new Date(this.#now);
  }

  nowMs(): number {
    return this.#now;
  }

  /** Moves forward to `at`; moving backwards is ignored (time never runs back). */
  advanceTo(at: Date | number): void {
    const target = typeof at === "number" ? at : at.getTime();
    if (target > this.#now) this.#now = target;
  }

  advanceBy(ms: number): void {
    if (ms < 0) throw new RangeError("The clock cannot move backwards.");
    this.#now += ms;
  }
}
