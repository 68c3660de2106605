import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import { alertKey } from "../domain/alert";
import type { PendingAlert } from "../domain/run";

/** Raised on a VM's run when an alert for the VM arrives while the run holds it (a dry run, an approval wait). */
export const ALERT_EVENT = "alert";

/** A run keeps at most this many of them (each is a few hundred bytes). */
export const MAX_PENDING_ALERTS = 50;

/**
 * The alerts raised on this run. One wait for the next alert is outstanding at a time (the Durable runtime hands an
 * event to the oldest open wait of its name), so waits in the approval loop and the drain at the end never take
 * each other's alerts. Events raised while nobody waits are kept by the runtime until a wait takes them.
 */
export class PendingAlertInbox {
  readonly alerts: PendingAlert[] = [];
  private waiter: df.Task | undefined;

  constructor(private readonly context: OrchestrationContext) {}

  /** The task that completes with the next alert. */
  next(): df.Task {
    return (this.waiter ??= this.context.df.waitForExternalEvent(ALERT_EVENT));
  }

  /** Keeps the alert the wait received, if it did; true when it did. */
  take(): boolean {
    if (!this.waiter?.isCompleted) return false;
    const alert = this.waiter.result as Partial<PendingAlert> | null;
    this.waiter = undefined;
    if (this.alerts.length < MAX_PENDING_ALERTS && !this.alerts.some((a) => a.alertId === alert?.alertId)) {
      this.alerts.push({
        alertId: String(alert?.alertId ?? "").slice(0, 600),
        alertRule: String(alert?.alertRule ?? "").slice(0, 300),
        receivedAt: String(alert?.receivedAt ?? this.context.df.currentUtcDateTime.toISOString()).slice(0, 40),
      });
    }
    return true;
  }

  /** Short keys of the alerts kept so far (the run's status shows them, so a repeat is not raised again). */
  keys(): string[] {
    return this.alerts.map((a) => alertKey(a.alertId));
  }

  /** Takes every alert raised so far: each wait is raced with a timer due now, so the loop ends when none is left. */
  *drain(): Generator<df.Task, PendingAlert[], any> {
    for (let taken = 0; taken < MAX_PENDING_ALERTS * 4; taken++) {
      const next = this.next();
      if (!next.isCompleted) {
        const first: df.Task = yield this.context.df.Task.any([next, this.context.df.createTimer(this.context.df.currentUtcDateTime)]);
        if (first !== next) break;
      }
      this.take();
    }
    return this.alerts;
  }
}
