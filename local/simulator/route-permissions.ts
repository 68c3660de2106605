import type { SimContext } from "./context";
import type { SimRequest } from "./http";
import type { Permission } from "./rbac";
import type { RouteMatch } from "./routes";

/**
 * The action ARM checks for each request the simulator emulates, at the resource (or group, or subscription) the
 * URL names: ARM authorizes by URL and method (a `$expand` does not change the action). Operation status URLs are
 * checked at the resource the operation acts on. Log Analytics queries are not ARM requests: the token's audience
 * is all the simulator checks there.
 */

const COMPUTE = "Microsoft.Compute";

const ACTIONS: Record<string, string> = {
  "vm.get": `${COMPUTE}/virtualMachines/read`,
  "vm.list": `${COMPUTE}/virtualMachines/read`,
  "vm.listAll": `${COMPUTE}/virtualMachines/read`,
  "vm.instanceView": `${COMPUTE}/virtualMachines/instanceView/read`,
  "vm.update": `${COMPUTE}/virtualMachines/write`,
  "vm.runCommand": `${COMPUTE}/virtualMachines/runCommand/action`,
  "vm.restart": `${COMPUTE}/virtualMachines/restart/action`,
  "vm.start": `${COMPUTE}/virtualMachines/start/action`,
  "vm.deallocate": `${COMPUTE}/virtualMachines/deallocate/action`,
  "vm.powerOff": `${COMPUTE}/virtualMachines/powerOff/action`,
  "snapshot.get": `${COMPUTE}/snapshots/read`,
  "snapshot.list": `${COMPUTE}/snapshots/read`,
  "snapshot.listAll": `${COMPUTE}/snapshots/read`,
  "snapshot.put": `${COMPUTE}/snapshots/write`,
  "snapshot.delete": `${COMPUTE}/snapshots/delete`,
  "disk.get": `${COMPUTE}/disks/read`,
  "disk.list": `${COMPUTE}/disks/read`,
  "disk.listAll": `${COMPUTE}/disks/read`,
  "disk.put": `${COMPUTE}/disks/write`,
  "disk.delete": `${COMPUTE}/disks/delete`,
};

export const RESOURCE_GRAPH_READ = "Microsoft.ResourceGraph/resources/read";
export const RESOURCE_GRAPH_SCOPE = "/providers/Microsoft.ResourceGraph/resources";

/** What this request needs; "anywhere" for a tenant-level action; undefined when ARM checks nothing we emulate. */
export function requiredPermission(ctx: SimContext, match: RouteMatch): Permission | { anywhere: string } | undefined {
  const p = match.params;
  if (match.route.operation === "resourceGraph.query") return { anywhere: RESOURCE_GRAPH_READ };
  if (match.route.operation === "operation.poll") {
    const op = ctx.ops.get(p.opId ?? "");
    if (!op) return undefined;
    const action = op.kind === "disk" ? `${COMPUTE}/locations/diskOperations/read` : `${COMPUTE}/locations/operations/read`;
    const resource = op.resourceKey ?? op.vmKey;
    return { action, scope: resource ?? `/subscriptions/${op.subscriptionId}` };
  }
  const action = ACTIONS[match.route.operation];
  if (action === undefined) return undefined;
  return { action, scope: scopeOf(p) };
}

/** The resource, group or subscription the URL names, in the caller's spelling. */
function scopeOf(p: Record<string, string>): string {
  const sub = `/subscriptions/${p.sub}`;
  if (p.rg === undefined) return sub;
  const group = `${sub}/resourceGroups/${p.rg}`;
  if (p.vm !== undefined) return `${group}/providers/${COMPUTE}/virtualMachines/${p.vm}`;
  if (p.disk !== undefined) return `${group}/providers/${COMPUTE}/disks/${p.disk}`;
  if (p.snapshot !== undefined) return `${group}/providers/${COMPUTE}/snapshots/${p.snapshot}`;
  return group;
}

/** A linked check inside a handler (the request names another resource); nothing when RBAC is off. */
export function requireLinked(ctx: SimContext, req: SimRequest, granted: Permission, linked: readonly Permission[]): void {
  if (ctx.rbac && req.principal) ctx.rbac.requireLinked(req.principal, granted, linked);
}
