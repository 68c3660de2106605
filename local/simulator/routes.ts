import type { Handler } from "./context";
import { deleteDisk, getDisk, listDisks, putDisk } from "./handlers/disks";
import { queryResource, queryWorkspace } from "./handlers/logs";
import { getOperation } from "./handlers/operations";
import { runCommand } from "./handlers/run-command";
import { deleteSnapshot, getSnapshot, listSnapshots, putSnapshot } from "./handlers/snapshots";
import { deallocateVm, powerOffVm, restartVm, startVm } from "./handlers/vm-power";
import { queryResources } from "./handlers/resource-graph";
import { getInstanceView, getVm, listVms } from "./handlers/vm-read";
import { updateVm } from "./handlers/vm-update";
import { WEB_AND_ACTION_GROUP_ROUTES } from "./handlers/web-and-action-group-routes";
import type { RequestCategory } from "./request-log";
import type { ComputePolicy } from "./throttling";

/** The endpoints the simulator emulates. Paths match case-insensitively after repeated slashes are collapsed. */

export type Api = "arm" | "logs";

export interface Route {
  api: Api;
  method: string;
  pattern: RegExp;
  operation: string;
  category: RequestCategory;
  handler: Handler;
  /** Compute throttling policy (§4.5) the request draws on. */
  policy?: ComputePolicy;
}

const SUB = "/subscriptions/(?<sub>[^/]+)";
const RG = `${SUB}/resourcegroups/(?<rg>[^/]+)`;
const CP = "/providers/microsoft\\.compute";
const VM = `${RG}${CP}/virtualmachines/(?<vm>[^/]+)`;

function arm(method: string, path: string, operation: string, category: RequestCategory, handler: Handler, policy?: ComputePolicy): Route {
  return { api: "arm", method, pattern: new RegExp(`^${path}$`, "i"), operation, category, handler, ...(policy ? { policy } : {}) };
}

export const ROUTES: Route[] = [
  arm("GET", `${RG}${CP}/virtualmachines`, "vm.list", "read", listVms, "HighCostGet"),
  arm("GET", `${SUB}${CP}/virtualmachines`, "vm.listAll", "read", listVms, "HighCostGet"),
  arm("GET", VM, "vm.get", "read", getVm, "LowCostGet"),
  arm("PATCH", VM, "vm.update", "write", updateVm, "UpdateVM"),
  arm("GET", `${VM}/instanceview`, "vm.instanceView", "read", getInstanceView, "LowCostGet"),
  arm("POST", `${VM}/runcommand`, "vm.runCommand", "action", runCommand, "UpdateVM"),
  arm("POST", `${VM}/restart`, "vm.restart", "action", restartVm, "UpdateVM"),
  arm("POST", `${VM}/start`, "vm.start", "action", startVm, "UpdateVM"),
  arm("POST", `${VM}/deallocate`, "vm.deallocate", "action", deallocateVm, "DeleteVM"),
  arm("POST", `${VM}/poweroff`, "vm.powerOff", "action", powerOffVm, "UpdateVM"),
  arm("GET", `${RG}${CP}/snapshots`, "snapshot.list", "read", listSnapshots),
  arm("GET", `${SUB}${CP}/snapshots`, "snapshot.listAll", "read", listSnapshots),
  arm("GET", `${RG}${CP}/snapshots/(?<snapshot>[^/]+)`, "snapshot.get", "read", getSnapshot),
  arm("PUT", `${RG}${CP}/snapshots/(?<snapshot>[^/]+)`, "snapshot.put", "write", putSnapshot),
  arm("DELETE", `${RG}${CP}/snapshots/(?<snapshot>[^/]+)`, "snapshot.delete", "write", deleteSnapshot),
  arm("GET", `${RG}${CP}/disks`, "disk.list", "read", listDisks),
  arm("GET", `${SUB}${CP}/disks`, "disk.listAll", "read", listDisks),
  arm("GET", `${RG}${CP}/disks/(?<disk>[^/]+)`, "disk.get", "read", getDisk),
  arm("PUT", `${RG}${CP}/disks/(?<disk>[^/]+)`, "disk.put", "write", putDisk),
  arm("DELETE", `${RG}${CP}/disks/(?<disk>[^/]+)`, "disk.delete", "write", deleteDisk),
  arm("POST", "/providers/microsoft\\.resourcegraph/resources", "resourceGraph.query", "read", queryResources),
  arm("GET", `${SUB}${CP}/locations/(?<location>[^/]+)/(?<kind>operations|diskoperations)/(?<opId>[^/]+)`, "operation.poll", "poll", getOperation, "GetOperation"),
  ...WEB_AND_ACTION_GROUP_ROUTES.map((r) => arm(r.method, `${RG}${r.path}`, r.operation, r.category, r.handler)),
  {
    api: "logs",
    method: "POST",
    pattern: /^\/v1\/workspaces\/(?<workspaceId>[^/]+)\/query$/i,
    operation: "logs.query",
    category: "logs",
    handler: queryWorkspace,
  },
  {
    api: "logs",
    method: "POST",
    pattern: /^\/v1\/(?<resourceId>subscriptions\/.+)\/query$/i,
    operation: "logs.queryResource",
    category: "logs",
    handler: queryResource,
  },
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
  /** "operation.result" for a Location (monitor=true) poll, else the route's operation. */
  operation: string;
}

export function matchRoute(method: string, path: string, url: URL): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(match.groups ?? {})) if (v !== undefined) params[k] = v;
    const operation = route.operation === "operation.poll" && url.searchParams.get("monitor") === "true" ? "operation.result" : route.operation;
    return { route, params, operation };
  }
  return undefined;
}

/** Which API a path belongs to when no route matches (for the 404/501 answer's shape and auth audience). */
export function apiOf(path: string): Api {
  return /^\/v1\//i.test(path) ? "logs" : "arm";
}
