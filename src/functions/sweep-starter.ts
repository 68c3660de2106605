import { randomBytes } from "node:crypto";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import type { SweepInput, SweepSettings, SweepTrigger } from "../domain/sweep-record";
import { SWEEP } from "../orchestrations/sweep";
import { findRun, isActive } from "./run-starter";

export interface SweepHandle {
  sweepId: string;
  /**
   * started: a new sweep; already-running: another sweep is in progress (one at a time) and is the one to follow;
   * already-ran: this timer occurrence's sweep exists already (a repeated timer invocation).
   */
  state: "started" | "already-running" | "already-ran";
}

const SWEEP_ID = /^sweep-\d{8}t\d{6}z(-[0-9a-f]{6})?$/;

/** Sweep IDs as we create them: "sweep-20260101t020000z" (timer; one per schedule occurrence) or with "-<6 hex>" (on demand). */
export function isSweepId(value: string): boolean {
  return SWEEP_ID.test(value);
}

export function sweepIdFor(trigger: SweepTrigger, now: Date): string {
  const at = (trigger.kind === "timer" ? new Date(trigger.scheduledAt) : now).toISOString().replace(/[-:]|\.\d+/g, "").toLowerCase();
  return trigger.kind === "timer" ? `sweep-${at}` : `sweep-${at}-${randomBytes(3).toString("hex")}`;
}

/** The sweep in progress, if any. */
export async function findActiveSweep(client: DurableClient): Promise<string | undefined> {
  const active = await client.getStatusBy({
    runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending, df.OrchestrationRuntimeStatus.ContinuedAsNew],
  });
  return active.find((s) => s.name === SWEEP && isSweepId(s.instanceId))?.instanceId;
}

/** Starts a sweep unless one is in progress. A timer occurrence that already has its sweep starts none. */
export async function startSweep(client: DurableClient, trigger: SweepTrigger, settings: SweepSettings, now: Date): Promise<SweepHandle> {
  const running = await findActiveSweep(client);
  if (running) return { sweepId: running, state: "already-running" };
  const sweepId = sweepIdFor(trigger, now);
  const existing = await findRun(client, sweepId);
  if (existing) return { sweepId, state: isActive(existing) ? "already-running" : "already-ran" };
  const input: SweepInput = { sweepId, trigger, settings };
  await client.startNew(SWEEP, { instanceId: sweepId, input });
  return { sweepId, state: "started" };
}
