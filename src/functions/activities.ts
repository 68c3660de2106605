import { registerActivity } from "./register-activity";
import { createCheckGuards } from "../activities/check-guards";
import { ACTIVITY, GUARD_ACTIVITIES, RESTORE_ACTIVITIES } from "../activities/contracts";
import { createStartRestoreStep } from "../activities/start-restore-step";
import { createNotify } from "../activities/notify";
import { createProbeRdp } from "../activities/probe-rdp";
import { createRecordRun } from "../activities/record-run";
import type { ActivityDeps } from "../activities/deps";
import { EXPIRE_SNAPSHOTS_ACTIVITY, createExpireSnapshotsForApp } from "../activities/expire-snapshots";
import { createPlanRemediation } from "../activities/plan-remediation";
import { createPollOperation } from "../activities/poll-operation";
import { createPreflight } from "../activities/preflight";
import { createReadVm } from "../activities/read-vm";
import { createStartRestart } from "../activities/start-restart";
import { createStartScript } from "../activities/start-script";
import { createStartSnapshot } from "../activities/start-snapshot";
import { appContext } from "./app-context";

const register = <I, O>(name: string, factory: (deps: ActivityDeps) => (input: I) => Promise<O>) =>
  registerActivity(name, appContext, factory);

register(ACTIVITY.preflight, createPreflight);
register(ACTIVITY.startSnapshot, createStartSnapshot);
register(ACTIVITY.startScript, createStartScript);
register(ACTIVITY.startRestart, createStartRestart);
register(ACTIVITY.pollOperation, createPollOperation);
register(ACTIVITY.readVm, createReadVm);
register(ACTIVITY.planRemediation, createPlanRemediation);
register(GUARD_ACTIVITIES.checkGuards, createCheckGuards);
register(GUARD_ACTIVITIES.recordRun, createRecordRun);
register(GUARD_ACTIVITIES.notify, createNotify);
register(GUARD_ACTIVITIES.probeRdp, createProbeRdp);
register(RESTORE_ACTIVITIES.startRestoreStep, createStartRestoreStep);
register(EXPIRE_SNAPSHOTS_ACTIVITY, createExpireSnapshotsForApp);
