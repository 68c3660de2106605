import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { PendingAlert } from "../domain/run";

/** Raised on a VM's run when an alert for the VM arrives while the run holds it. */
export const ALERT_EVENT = "alert";

/** A run keeps at most this many of them (each is a few hundred bytes). */
export const MAX_PENDING_ALERTS = 50;

/**
 * The alerts raised on this run so far. The Durable runtime keeps events raised before anyone waits for them; each
 * wait here takes one, raced with a timer due now, so the loop ends when none is left (and replays see the same).
 */
export function* drainPendingAlerts(context: OrchestrationContext): Generator<df.Task, PendingAlert[], any> {
  const alerts: PendingAlert[] = [];
  while (alerts.length < MAX_PENDING_ALERTS) {
    const next = context.df.waitForExternalEvent(ALERT_EVENT);
    const first: df.Task = yield context.df.Task.any([next, context.df.createTimer(context.df.currentUtcDateTime)]);
    if (first !== next) break;
    const alert = next.result as Partial<PendingAlert> | null;
    alerts.push({
      alertId: String(alert?.alertId ?? "").slice(0, 600),
      alertRule: String(alert?.alertRule ?? "").slice(0, 300),
      receivedAt: String(alert?.receivedAt ?? context.df.currentUtcDateTime.toISOString()).slice(0, 40),
    });
  }
  return alerts;
}
