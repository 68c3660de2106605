import { app, type InvocationContext, type Timer } from "@azure/functions";
import * as df from "durable-functions";
import { appContext } from "./app-context";
import { sweepSettings } from "./sweep-context";
import { startSweep } from "./sweep-starter";

/** The scheduled compliance sweep (SWEEP_SCHEDULE, NCRONTAB); skipped while another sweep runs. */
export async function handleSweepTimer(timer: Timer, context: InvocationContext): Promise<void> {
  const client = df.getClient(context);
  const { config } = appContext();
  const now = new Date();
  // One sweep per occurrence: a repeated invocation in the same minute finds the sweep it already started.
  const scheduledAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000).toISOString();
  const handle = await startSweep(client, { kind: "timer", scheduledAt }, sweepSettings(config), now);
  context.log(
    handle.state === "started"
      ? `sweep ${handle.sweepId} started${timer.isPastDue ? " (past due)" : ""}`
      : `sweep not started: ${handle.sweepId} is ${handle.state === "already-running" ? "in progress" : "this occurrence's sweep"}`,
  );
}

app.timer("SweepTimer", {
  schedule: "%SWEEP_SCHEDULE%",
  extraInputs: [df.input.durableClient()],
  handler: handleSweepTimer,
});
