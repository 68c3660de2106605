import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { actorOf, ROLES, type Principal } from "../auth/policy";
import { MAX_MANUAL_BODY_BYTES, parseManualRunRequest, parseRunListQuery } from "../domain/manual-request";
import { isRunId } from "../domain/resource-id";
import type { RemediationInput, RunStatus } from "../domain/run";
import { isInScope } from "../domain/scope";
import { InputError } from "../errors";
import { appContext, runSettings } from "./app-context";
import { readJsonBody } from "./http-body";
import { jsonResponse, type RequestLog } from "./http-responses";
import { baseUrlOf, findRun, startOrJoinRun } from "./run-starter";
import { secureHttp } from "./secure-http";

/** POST /api/remediations — an Operator asks for a run on one VM, optionally as a dry run; the run names them. */
export async function handleStartRemediation(request: HttpRequest, caller: Principal, client: DurableClient, _context: unknown, log: RequestLog): Promise<HttpResponseInit> {
  const app = appContext();
  const { vm, dryRun } = parseManualRunRequest(await readJsonBody(request, MAX_MANUAL_BODY_BYTES));
  if (!isInScope(vm, app.config.allowedScopes)) {
    throw new InputError("out-of-scope", "the VM is outside the allowed scopes (ALLOWED_SCOPES)", 403);
  }
  const run = await startOrJoinRun(
    client,
    vm,
    { vmId: vm.id, trigger: { kind: "manual", by: actorOf(caller) }, dryRun, settings: runSettings(app.config) },
    baseUrlOf(request.url),
  );
  log.info(`run ${run.runId} on ${vm.id}: ${run.state} (${dryRun ? "dry run, " : ""}by ${caller.name})`);
  return jsonResponse(202, run, { Location: run.statusUrl, "Retry-After": "10" });
}

/** GET /api/remediations/{id} — status, current step, who started it and, when finished, the report. */
export async function handleGetRemediation(request: HttpRequest, _caller: Principal, client: DurableClient): Promise<HttpResponseInit> {
  const runId = request.params.id ?? "";
  if (!isRunId(runId)) throw new InputError("run-id-invalid", "the run ID is not one RDP Medic issues (rdpmedic-<vm>-<hash>)");
  const status = await findRun(client, runId);
  if (!status) throw new InputError("run-not-found", `no run ${runId}`, 404);
  const custom = (status.customStatus ?? undefined) as RunStatus | undefined;
  const input = status.input as Partial<RemediationInput> | undefined;
  return jsonResponse(200, {
    runId,
    vmId: input?.vmId,
    dryRun: input?.dryRun,
    trigger: input?.trigger,
    runtimeStatus: status.runtimeStatus,
    step: custom?.step,
    status: custom,
    createdTime: status.createdTime,
    lastUpdatedTime: status.lastUpdatedTime,
    report: status.runtimeStatus === df.OrchestrationRuntimeStatus.Completed ? status.output : undefined,
  });
}

/** GET /api/remediations?vm=&since=&until=&limit= — past runs from the audit ledger, newest first. */
export async function handleListRemediations(request: HttpRequest): Promise<HttpResponseInit> {
  const app = appContext();
  const query = parseRunListQuery(request.query);
  if (query.vm && !isInScope(query.vm, app.config.allowedScopes)) {
    throw new InputError("out-of-scope", "the VM is outside the allowed scopes (ALLOWED_SCOPES)", 403);
  }
  if (!app.ledger) throw new InputError("ledger-not-configured", "no audit ledger is configured (LEDGER_TABLE_ENDPOINT)", 404);
  const runs = await app.ledger.listRuns({
    ...(query.vm ? { vmId: query.vm.id } : {}),
    ...(query.since ? { since: query.since } : {}),
    ...(query.until ? { until: query.until } : {}),
    limit: query.limit,
  });
  return jsonResponse(200, { runs, count: runs.length });
}

secureHttp("ListRemediations", { route: "remediations", methods: ["GET"], role: ROLES.operator, handler: handleListRemediations });
secureHttp("StartRemediation", { route: "remediations", methods: ["POST"], role: ROLES.operator, handler: handleStartRemediation });
secureHttp("GetRemediation", { route: "remediations/{id}", methods: ["GET"], role: ROLES.operator, handler: handleGetRemediation });
