import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { findVmsByComputerName } from "../azure/vm-directory";
import { MAX_ALERT_BYTES, parseAlertBody } from "../domain/alert";
import type { VmRef } from "../domain/resource-id";
import { isInScope } from "../domain/scope";
import { InputError } from "../errors";
import { appContext, runSettings } from "./app-context";
import { checkEntraToken } from "./http-entra-auth";
import { errorBody, errorResponse, jsonResponse, readBodyText } from "./http-responses";
import { baseUrlOf, startOrJoinRun, type RunHandle } from "./run-starter";

/** POST /api/alerts — an Azure Monitor action group (common alert schema) reports VMs with licensing errors. */
export async function handleAlert(request: HttpRequest, client: DurableClient, context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const app = appContext();
    const denied = await checkEntraToken(request, app.config, context);
    if (denied) return denied;
    const alert = parseAlertBody(await readBodyText(request, MAX_ALERT_BYTES), { ownClientId: app.config.managedIdentityClientId });
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
      const resolved = await findVmsByComputerName(app.compute, app.config.allowedScopes, alert.computerNames);
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
        ),
      );
    }
    context.log(`alert ${alert.alertRule}: ${runs.map((r) => `${r.vmId} ${r.state}`).join(", ")}`);
    return jsonResponse(202, { alertId: alert.alertId, runs, rejected });
  } catch (error) {
    return errorResponse(error, context);
  }
}

df.app.client.http("Alerts", {
  route: "alerts",
  methods: ["POST"],
  authLevel: "function",
  handler: handleAlert,
});
