import { acceptedAction, faultTarget, findVm, type Handler, type SimContext, noteVm } from "../context";
import { ArmError } from "../errors";
import type { SimRequest, SimResponse } from "../http";
import type { SimVm } from "../model";
import type { OperationOutcome } from "../operations";

/** POST restart / start / deallocate / powerOff: 202 + Azure-AsyncOperation + Location; effects apply at once. */

type PowerAction = "restart" | "start" | "deallocate" | "powerOff";

export const restartVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "restart");
export const startVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "start");
export const deallocateVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "deallocate");
export const powerOffVm: Handler = (ctx, req, params) => powerAction(ctx, req, findVm(ctx, params), "powerOff");

function powerAction(ctx: SimContext, req: SimRequest, vm: SimVm, action: PowerAction): SimResponse {
  noteVm(req, vm);
  req.note.stateChanging = true;
  if ((action === "restart" && vm.powerState !== "running") || (action === "powerOff" && vm.powerState === "deallocated")) {
    throw new ArmError(409, "OperationNotAllowed", `Operation '${action}' is not allowed on VM '${vm.name}' since the VM is ${vm.powerState}.`);
  }
  const target = faultTarget(req);
  const failure = ctx.faults.takeLroFailure(target);
  const neverFinishes = !failure && ctx.faults.takeFlag(target, "neverFinishes");
  let outcome: OperationOutcome | undefined;
  if (failure) outcome = { ok: false, error: failure };
  else if (!neverFinishes) outcome = apply(ctx, vm, action, req);
  const op = ctx.ops.create({
    kind: "compute",
    operation: req.operation,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    vmKey: vm.key,
    neverFinishes,
    ...(outcome ? { outcome } : {}),
  });
  return acceptedAction(ctx, req, op);
}

function apply(ctx: SimContext, vm: SimVm, action: PowerAction, req: SimRequest): OperationOutcome {
  const now = ctx.options.clock();
  switch (action) {
    case "deallocate":
    case "powerOff":
      vm.powerState = action === "deallocate" ? "deallocated" : "stopped";
      vm.agent.ready = false;
      vm.agent.readsUntilReady = null;
      vm.agent.statusTime = now.toISOString();
      return { ok: true };
    case "start":
      if (vm.powerState === "running") return { ok: true };
      return boot(ctx, vm, req, now);
    case "restart":
      return boot(ctx, vm, req, now);
  }
}

/** A boot: the guest reboots, the agent goes Not Ready and comes back after `agentReadyAfterPolls` reads. */
function boot(ctx: SimContext, vm: SimVm, req: SimRequest, now: Date): OperationOutcome {
  const target = faultTarget(req);
  if (ctx.faults.takeFlag(target, "vmWontStart")) {
    vm.powerState = "stopped";
    vm.agent.ready = false;
    vm.agent.readsUntilReady = null;
    vm.agent.statusTime = now.toISOString();
    return {
      ok: false,
      error: {
        code: "VMStartTimedOut",
        message: `VM '${vm.name}' did not start in the allotted time. The VM may still start successfully. Please check the power state later.`,
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
  return { ok: true };
}
