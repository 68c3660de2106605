import { describe, expect, it } from "vitest";
import { afterWave, nextWaveSize, startRate, type RateState, type WaveOutcome } from "../../../src/domain/sweep-rate";

const limits = { maxConcurrency: 10, maxErrors: 3 };
const clean = (n: number): WaveOutcome => ({ ok: n, failed: 0, neutral: 0, throttled: 0, retryAfterSeconds: 0 });

/** Runs waves against a fleet of `total` probes; `outcome(wave, size)` says how each went. */
function simulate(total: number, outcome: (wave: number, size: number) => WaveOutcome, l = limits) {
  let state: RateState = startRate(l);
  let left = total;
  const sizes: number[] = [];
  while (left > 0) {
    const size = nextWaveSize(state, left);
    if (size === 0) break;
    sizes.push(size);
    const o = outcome(sizes.length, size);
    left -= size - o.throttled;
    state = afterWave(state, size, o, l);
  }
  return { sizes, state, left };
}

describe("rate control", () => {
  it("starts with a canary of one, doubles while clean, caps at maxConcurrency", () => {
    const { sizes, state } = simulate(60, (_w, n) => clean(n));
    expect(sizes).toEqual([1, 2, 4, 8, 10, 10, 10, 10, 5]);
    expect(state.peakWave).toBe(10);
    expect(state.stopped).toBe(false);
  });

  it("a failed canary does not grow the next wave", () => {
    const { sizes } = simulate(5, (w, n) => (w === 1 ? { ...clean(0), failed: 1 } : clean(n)));
    expect(sizes).toEqual([1, 1, 2, 1]);
  });

  it("neutral results (agent not Ready) neither fail nor prove the probe: the wave holds", () => {
    const { sizes } = simulate(4, (w, n) => (w === 1 ? { ...clean(0), neutral: 1 } : clean(n)));
    expect(sizes).toEqual([1, 1, 2]);
  });

  it("stops once maxErrors checks have failed, leaving the rest unstarted", () => {
    const { sizes, state, left } = simulate(100, (w, n) => (w >= 3 ? { ...clean(n - 2), failed: 2 } : clean(n)));
    expect(sizes).toEqual([1, 2, 4, 4]);
    expect(state.stopped).toBe(true);
    expect(state.errors).toBe(4);
    expect(state.stopReason).toMatch(/4 check\(s\) failed.*3/);
    expect(left).toBe(89);
    expect(nextWaveSize(state, left)).toBe(0);
  });

  it("maxErrors 1: the first failure stops the sweep", () => {
    const { sizes, state } = simulate(10, () => ({ ...clean(0), failed: 1 }), { maxConcurrency: 10, maxErrors: 1 });
    expect(sizes).toEqual([1]);
    expect(state.stopped).toBe(true);
  });

  it("throttling halves the next wave, asks for a pause, and is not a failure", () => {
    let state = startRate(limits);
    for (const n of [1, 2, 4, 8]) state = afterWave(state, n, clean(n), limits);
    expect(state.waveSize).toBe(10);
    state = afterWave(state, 10, { ok: 6, failed: 0, neutral: 0, throttled: 4, retryAfterSeconds: 2.2 }, limits);
    expect(state).toMatchObject({ waveSize: 5, errors: 0, pauseSeconds: 3, throttledWaves: 1, stopped: false });
    state = afterWave(state, 5, clean(5), limits);
    expect(state).toMatchObject({ waveSize: 10, pauseSeconds: 0 });
  });

  it("throttling never shrinks a wave below one", () => {
    const state = afterWave(startRate(limits), 1, { ok: 0, failed: 0, neutral: 0, throttled: 1, retryAfterSeconds: 0 }, limits);
    expect(state.waveSize).toBe(1);
    expect(state.pauseSeconds).toBe(1);
  });

  it("a short last wave does not count as proof for growth", () => {
    let state = startRate({ maxConcurrency: 100, maxErrors: 5 });
    state = afterWave(state, 1, clean(1), { maxConcurrency: 100, maxErrors: 5 });
    state = afterWave(state, 1, clean(1), { maxConcurrency: 100, maxErrors: 5 });
    expect(state.waveSize).toBe(2);
  });

  it.each([
    [{ maxConcurrency: 0, maxErrors: 1 }],
    [{ maxConcurrency: 1, maxErrors: 0 }],
    [{ maxConcurrency: 1.5, maxErrors: 1 }],
  ])("refuses limits %j", (l) => {
    expect(() => startRate(l)).toThrow(RangeError);
  });
});
