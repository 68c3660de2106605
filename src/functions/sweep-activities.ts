import type { InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { registerActivity } from "./register-activity";
import { SWEEP_ACTIVITY } from "../activities/sweep-contracts";
import type { SweepDeps } from "../activities/sweep-deps";
import { createSweepListTargets } from "../activities/sweep-list-targets";
import { createSweepPollProbes } from "../activities/sweep-poll-probes";
import { createSweepRecordChecks, createSweepRecordReport, createSweepRecordUnchecked } from "../activities/sweep-record";
import { createSweepStartProbes } from "../activities/sweep-start-probes";
import { createSweepStartRemediations } from "../activities/sweep-start-remediations";
import type { StartRemediationsInput } from "../activities/sweep-contracts";
import { startOrJoinRun } from "./run-starter";
import { sweepContext } from "./sweep-context";

const register = <I, O>(name: string, factory: (deps: SweepDeps) => (input: I) => Promise<O>) =>
  registerActivity(name, sweepContext, factory);

register(SWEEP_ACTIVITY.listTargets, createSweepListTargets);
register(SWEEP_ACTIVITY.startProbes, createSweepStartProbes);
register(SWEEP_ACTIVITY.pollProbes, createSweepPollProbes);
register(SWEEP_ACTIVITY.recordChecks, createSweepRecordChecks);
register(SWEEP_ACTIVITY.recordUnchecked, createSweepRecordUnchecked);
register(SWEEP_ACTIVITY.recordReport, createSweepRecordReport);

// Remediation runs are independent instances (one per VM, the same singleton as alerts and manual runs): started
// through the durable client binding, so the sweep never waits for them and never collides with a running one.
df.app.activity(SWEEP_ACTIVITY.startRemediations, {
  extraInputs: [df.input.durableClient()],
  handler: (input: unknown, context: InvocationContext) => {
    const client = df.getClient(context);
    const base = process.env.WEBSITE_HOSTNAME ? `https://${process.env.WEBSITE_HOSTNAME}` : "";
    return createSweepStartRemediations({
      config: sweepContext().config,
      startRun: (vm, runInput) => startOrJoinRun(client, vm, runInput, base),
    })(input as StartRemediationsInput);
  },
});
