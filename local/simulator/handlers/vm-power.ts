import { faultTarget, findVm, type Handler, type SimContext, noteVm, variantFor } from "../context";
import { ArmError } from "../errors";
import type { SimRequest, SimResponse } from "../http";
import { answerAction } from "../lro-answer";
import type { SimVm } from "../model";
import type { OperationOutcome, SimOperation } from "../operations";
import { effectivePowerState, markProvisioning } from "../vm-state";

/**
 * POST restart / start / deallocate / powerOff: effects apply at once; the answer (202 + polling headers, or 200)
 * follows the VM's variant. With the "transitional" power variant the instance view shows starting, stopping or
 * deallocating until the operation ends.
 */

type PowerAction = "restart" | "start" | "deallocate" | "powerOff";

const TRANSITION: Record<PowerAction, "starting" | "stopping" | "deallocating"> = {
  restart: "starting",
  start: "starting",
  deallocate: "deallocating",
  powerOff: "stopping",
};

export const restartVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "restart");
export const startVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "start");
export const deallocateVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "deallocate");
export const powerOffVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "powerOff");

async function powerAction(ctx: SimContext, req: SimRequest, vm: SimVm, action: PowerAction): Promise<SimResponse> {
  noteVm(req, vm);
  req.note.stateChanging = true;
  const shown = effectivePowerState(ctx, vm);
  if ((action === "restart" && shown !== "running") || (action === "powerOff" && shown === "deallocated")) {
    throw new ArmError(409, "OperationNotAllowed", `Operation '${action}' is not allowed on VM '${vm.name}' since the VM is ${shown}.`);
  }
  const target = faultTarget(req);
  const failure = ctx.faults.takeLroFailure(target);
  const neverFinishes = !failure && ctx.faults.takeFlag(target, "neverFinishes");
  let outcome: OperationOutcome | undefined;
  let notBeforeMs: number | undefined;
  if (failure) outcome = { ok: false, error: failure };
  else if (!neverFinishes) ({ outcome, notBeforeMs } = apply(ctx, vm, action, req));
  const op: SimOperation = ctx.ops.create({
    kind: "compute",
    operation: req.operation,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    vmKey: vm.key,
    neverFinishes,
    ...(outcome ? { outcome } : {}),
    ...(notBeforeMs !== undefined ? { notBeforeMs } : {}),
    onComplete: (done) => {
      if (vm.transition?.operationId === done.id) delete vm.transition;
      markProvisioning(vm, done);
    },
  });
  if (variantFor(ctx, req, "power", vm.key) === "transitional") vm.transition = { state: TRANSITION[action], operationId: op.id };
  return answerAction(ctx, req, op, vm.key);
}

function apply(ctx: SimContext, vm: SimVm, action: PowerAction, req: SimRequest): { outcome: OperationOutcome; notBeforeMs?: number } {
  const now = ctx.options.clock();
  switch (action) {
    case "deallocate":
    case "powerOff":
      vm.powerState = action === "deallocate" ? "deallocated" : "stopped";
      vm.agent.ready = false;
      vm.agent.readsUntilReady = null;
      vm.agent.statusTime = now.toISOString();
      delete vm.agent.staleReads;
      return { outcome: { ok: true } };
    case "start":
      if (vm.powerState === "running") return { outcome: { ok: true } };
      return boot(ctx, vm, req, now);
    case "restart":
      return boot(ctx, vm, req, now);
  }
}

/**
 * A boot: the guest reboots, the agent goes Not Ready and comes back after `agentReadyAfterPolls` reads. With the
 * "stale-ready" agent variant the instance view first keeps showing the agent's last Ready status: the guest
 * reported once more just after the platform accepted the request (1 ms later), before it went down, so that
 * status is newer than the request; the operation ends after it.
 */
function boot(ctx: SimContext, vm: SimVm, req: SimRequest, now: Date): { outcome: OperationOutcome; notBeforeMs?: number } {
  const target = faultTarget(req);
  const wasReady = vm.agent.ready && vm.powerState === "running";
  if (ctx.faults.takeFlag(target, "vmWontStart")) {
    vm.powerState = "stopped";
    vm.agent.ready = false;
    vm.agent.readsUntilReady = null;
    vm.agent.statusTime = now.toISOString();
    delete vm.agent.staleReads;
    return {
      outcome: {
        ok: false,
        error: {
          code: "VMStartTimedOut",
          message: `VM '${vm.name}' did not start in the allotted time. The VM may still start successfully. Please check the power state later.`,
        },
      },
    };
  }
  const agentNeverReady = ctx.faults.takeFlag(target, "agentNeverReady");
  ctx.state.setGuestOf(vm, ctx.runtime.reboot(structuredClone(ctx.state.guestOf(vm)), now));
  vm.powerState = "running";
  const reads = ctx.options.agentReadyAfterPolls;
  vm.agent.bootedAtMs = now.getTime();
  vm.agent.readsUntilReady = agentNeverReady ? null : reads;
  vm.agent.ready = !agentNeverReady && reads === 0;
  vm.agent.statusTime = vm.agent.ready ? new Date(now.getTime() + 1).toISOString() : now.toISOString();
  delete vm.agent.staleReads;
  if (wasReady && variantFor(ctx, req, "agent", vm.key) === "stale-ready") {
    vm.agent.staleReads = STALE_READS;
    vm.agent.staleTime = new Date(now.getTime() + 1).toISOString();
    return { outcome: { ok: true }, notBeforeMs: now.getTime() + 2 };
  }
  return { outcome: { ok: true } };
}

/** Instance-view reads after a boot that still show the agent's Ready status from before it ("stale-ready"). */
export const STALE_READS = 2;
