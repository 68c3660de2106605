import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { ROLES, type Principal } from "../auth/policy";
import { createVmDirectory, VmDirectoryTooLarge, type VmDirectory } from "../azure/vm-directory";
import { MAX_ALERT_BYTES, parseAlertBody } from "../domain/alert";
import type { VmRef } from "../domain/resource-id";
import { isInScope } from "../domain/scope";
import { InputError } from "../errors";
import { appContext, runSettings } from "./app-context";
import { readJsonBody } from "./http-body";
import { errorBody, jsonResponse, type RequestLog } from "./http-responses";
import { baseUrlOf, startOrJoinRun, type RunHandle } from "./run-starter";
import { secureHttp } from "./secure-http";

let directory: VmDirectory | undefined;

/** The VMs of the allowed scopes by computer name: listed at most once a minute, however many alerts ask. */
function vmDirectory(): VmDirectory {
  const app = appContext();
  return (directory ??= createVmDirectory(app.compute, app.config.allowedScopes));
}

/**
 * POST /api/alerts — an Azure Monitor action group (common alert schema) reports VMs with licensing errors. Only
 * the action group's credential reaches it (ALERT_AUTH), and that credential reaches nothing else.
 */
export async function handleAlert(request: HttpRequest, _caller: Principal, client: DurableClient, _context: unknown, log: RequestLog): Promise<HttpResponseInit> {
  const app = appContext();
  const alert = parseAlertBody(await readJsonBody(request, MAX_ALERT_BYTES), { ownClientId: app.config.managedIdentityClientId });
  if (alert.ignore) {
    return jsonResponse(200, { alertId: alert.alertId, ignored: alert.ignore, runs: [], rejected: [] });
  }
  const rejected: Array<{ target: string; code: string; message: string }> = [];
  const vms: VmRef[] = [];
  for (const vm of alert.vms) {
    if (isInScope(vm, app.config.allowedScopes)) vms.push(vm);
    else rejected.push({ target: vm.id, code: "out-of-scope", message: "the VM is outside the allowed scopes" });
  }
  if (alert.computerNames.length > 0) {
    let resolved: Map<string, VmRef[]>;
    try {
      resolved = await vmDirectory().find(alert.computerNames);
    } catch (error) {
      if (!(error instanceof VmDirectoryTooLarge)) throw error;
      resolved = new Map();
      for (const name of alert.computerNames) rejected.push({ target: name, code: "computer-not-resolved", message: error.message });
    }
    for (const [name, matches] of resolved) {
      if (matches.length === 1) {
        if (!vms.some((v) => v.id === matches[0]!.id)) vms.push(matches[0]!);
      } else {
        rejected.push({
          target: name,
          code: matches.length === 0 ? "computer-not-found" : "computer-ambiguous",
          message:
            matches.length === 0
              ? "no VM in the allowed scopes has this computer name"
              : `${matches.length} VMs in the allowed scopes have this computer name`,
        });
      }
    }
  }
  if (vms.length === 0) {
    const allOutOfScope = rejected.length > 0 && rejected.every((r) => r.code === "out-of-scope");
    if (allOutOfScope) return jsonResponse(403, { ...errorBody("out-of-scope", "every VM the alert names is outside the allowed scopes"), rejected });
    throw new InputError("no-vm-target", "the alert names no virtual machine (alertTargetIDs, _ResourceId/ResourceId/Computer dimensions)", 422);
  }
  const receivedAt = new Date().toISOString();
  const runs: RunHandle[] = [];
  for (const vm of vms) {
    runs.push(
      await startOrJoinRun(
        client,
        vm,
        {
          vmId: vm.id,
          trigger: { kind: "alert", alertId: alert.alertId, alertRule: alert.alertRule },
          dryRun: false,
          settings: runSettings(app.config),
        },
        baseUrlOf(request.url),
        { alertId: alert.alertId, alertRule: alert.alertRule, receivedAt },
      ),
    );
  }
  log.info(`alert ${alert.alertRule} (${alert.alertId}): ${runs.map((r) => `${r.vmId} ${r.state}`).join(", ")}`);
  return jsonResponse(202, { alertId: alert.alertId, runs, rejected });
}

secureHttp("Alerts", { route: "alerts", methods: ["POST"], role: ROLES.alertSender, handler: handleAlert });
