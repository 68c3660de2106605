import type { NotifyResult, RunNotification } from "../domain/notification";
import type { ActivityDeps } from "./deps";

/** Tells a person a run needs them. Never fails the run: a failing receiver is reported, not thrown. */
export function createNotify(deps: Pick<ActivityDeps, "notifier">) {
  return async (notification: RunNotification): Promise<NotifyResult | { delivered: false; error: string }> => {
    if (!deps.notifier) return { delivered: false, error: "no webhook configured (NOTIFY_WEBHOOK_URL)" };
    return deps.notifier.notify(notification);
  };
}
