import * as df from "durable-functions";
import { ACTIVITY } from "../activities/contracts";
import type { ActivityDeps } from "../activities/deps";
import { createPlanRemediation } from "../activities/plan-remediation";
import { createPollOperation } from "../activities/poll-operation";
import { createPreflight } from "../activities/preflight";
import { createReadVm } from "../activities/read-vm";
import { createStartRestart } from "../activities/start-restart";
import { createStartScript } from "../activities/start-script";
import { createStartSnapshot } from "../activities/start-snapshot";
import { appContext } from "./app-context";

/** Registers an activity whose handler is built from the app's dependencies on first use. */
function register<I, O>(name: string, factory: (deps: ActivityDeps) => (input: I) => Promise<O>): void {
  let handler: ((input: I) => Promise<O>) | undefined;
  df.app.activity(name, {
    handler: (input: unknown) => {
      handler ??= factory(appContext());
      return handler(input as I);
    },
  });
}

register(ACTIVITY.preflight, createPreflight);
register(ACTIVITY.startSnapshot, createStartSnapshot);
register(ACTIVITY.startScript, createStartScript);
register(ACTIVITY.startRestart, createStartRestart);
register(ACTIVITY.pollOperation, createPollOperation);
register(ACTIVITY.readVm, createReadVm);
register(ACTIVITY.planRemediation, createPlanRemediation);
