import { findVm, type Handler, noteVm } from "../context";
import { observeResourceOperations } from "../disk-operation";
import { json, page } from "../http";
import { readInstanceView, renderVm } from "../render-vm";

/** GET VM (optionally with $expand=instanceView), GET instanceView, list VMs in a group or subscription. */

export const getVm: Handler = (ctx, req, params) => {
  const vm = findVm(ctx, params);
  noteVm(req, vm);
  observeResourceOperations(ctx, req, vm.key);
  const expand = req.url.searchParams.get("$expand")?.toLowerCase();
  const view = expand === "instanceview" ? readInstanceView(ctx, req, vm) : undefined;
  return json(200, renderVm(ctx, vm, view));
};

export const getInstanceView: Handler = (ctx, req, params) => {
  const vm = findVm(ctx, params);
  noteVm(req, vm);
  return json(200, readInstanceView(ctx, req, vm));
};

export const listVms: Handler = (ctx, req, params) => {
  const sub = (params.sub as string).toLowerCase();
  const rg = params.rg?.toLowerCase();
  ctx.state.requireGroup(sub, params.rg);
  const vms = [...ctx.state.vms.values()]
    .filter((vm) => vm.subscriptionId.toLowerCase() === sub && (rg === undefined || vm.resourceGroup.toLowerCase() === rg))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((vm) => renderVm(ctx, vm));
  return json(200, page(req, vms, ctx.options.listPageSize));
};
