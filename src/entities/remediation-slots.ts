import type { EntityContext } from "durable-functions";

export const REMEDIATION_SLOTS = "RemediationSlots";
/** One semaphore for the whole app: the blast-radius limit is global. */
export const REMEDIATION_SLOTS_KEY = "global";

export interface SlotsState {
  /** runId -> when it took its slot (ISO). */
  holders: Record<string, string>;
}

export interface AcquireInput {
  runId: string;
  max: number;
  /** The caller's (orchestration) time, ISO: entities keep no clock of their own here. */
  now: string;
  /** A slot held longer than this is presumed leaked (a run that was terminated) and freed. */
  staleAfterMinutes: number;
}

export interface AcquireResult {
  granted: boolean;
  holders: number;
}

/**
 * The blast-radius semaphore: at most `max` runs change VMs at once. Operations run one at a time per entity,
 * so acquire/release need no further locking.
 */
export function remediationSlots(context: EntityContext<SlotsState>): void {
  const state = context.df.getState(() => ({ holders: {} })) ?? { holders: {} };
  switch (context.df.operationName) {
    case "acquire": {
      const input = context.df.getInput<AcquireInput>();
      if (!input) break;
      const now = Date.parse(input.now);
      for (const [runId, at] of Object.entries(state.holders)) {
        if (now - Date.parse(at) > input.staleAfterMinutes * 60_000) delete state.holders[runId];
      }
      const held = input.runId in state.holders;
      const granted = held || Object.keys(state.holders).length < input.max;
      if (granted && !held) state.holders[input.runId] = input.now;
      context.df.return({ granted, holders: Object.keys(state.holders).length } satisfies AcquireResult);
      break;
    }
    case "release": {
      const runId = context.df.getInput<string>();
      if (runId) delete state.holders[runId];
      break;
    }
    case "holders":
      context.df.return(Object.keys(state.holders));
      return;
  }
  context.df.setState(state);
}
