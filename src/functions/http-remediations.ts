import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { MAX_MANUAL_BODY_BYTES, parseManualRunRequest, parseRunListQuery } from "../domain/manual-request";
import { isRunId } from "../domain/resource-id";
import type { RunStatus } from "../domain/run";
import { isInScope } from "../domain/scope";
import { InputError } from "../errors";
import { appContext, runSettings } from "./app-context";
import { errorResponse, jsonResponse, readBodyText } from "./http-responses";
import { baseUrlOf, findRun, startOrJoinRun } from "./run-starter";

/** POST /api/remediations — a person asks for a run on one VM, optionally as a dry run. */
export async function handleStartRemediation(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const app = appContext();
    const { vm, dryRun } = parseManualRunRequest(await readBodyText(request, MAX_MANUAL_BODY_BYTES));
    if (!isInScope(vm, app.config.allowedScopes)) {
      throw new InputError("out-of-scope", "the VM is outside the allowed scopes (ALLOWED_SCOPES)", 403);
    }
    const run = await startOrJoinRun(
      client,
      vm,
      { vmId: vm.id, trigger: { kind: "manual" }, dryRun, settings: runSettings(app.config) },
      baseUrlOf(request.url),
    );
    return jsonResponse(202, run, { Location: run.statusUrl, "Retry-After": "10" });
  } catch (error) {
    return errorResponse(error, context);
  }
}

/** GET /api/remediations/{id} — status, current step and, when finished, the report. */
export async function handleGetRemediation(
  request: HttpRequest,
  client: DurableClient,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    const runId = request.params.id ?? "";
    if (!isRunId(runId)) throw new InputError("run-id-invalid", "the run ID is not one RDP Medic issues (rdpmedic-<vm>-<hash>)");
    const status = await findRun(client, runId);
    if (!status) throw new InputError("run-not-found", `no run ${runId}`, 404);
    const custom = (status.customStatus ?? undefined) as RunStatus | undefined;
    const input = status.input as { vmId?: string; dryRun?: boolean } | undefined;
    return jsonResponse(200, {
      runId,
      vmId: input?.vmId,
      dryRun: input?.dryRun,
      runtimeStatus: status.runtimeStatus,
      step: custom?.step,
      status: custom,
      createdTime: status.createdTime,
      lastUpdatedTime: status.lastUpdatedTime,
      report: status.runtimeStatus === df.OrchestrationRuntimeStatus.Completed ? status.output : undefined,
    });
  } catch (error) {
    return errorResponse(error, context);
  }
}

/** GET /api/remediations?vm=&since=&until=&limit= — past runs from the audit ledger, newest first. */
export async function handleListRemediations(request: HttpRequest, _client: DurableClient, context: InvocationContext): Promise<HttpResponseInit> {
  try {
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
  } catch (error) {
    return errorResponse(error, context);
  }
}

df.app.client.http("ListRemediations", {
  route: "remediations",
  methods: ["GET"],
  authLevel: "function",
  handler: handleListRemediations,
});

df.app.client.http("StartRemediation", {
  route: "remediations",
  methods: ["POST"],
  authLevel: "function",
  handler: handleStartRemediation,
});

df.app.client.http("GetRemediation", {
  route: "remediations/{id}",
  methods: ["GET"],
  authLevel: "function",
  handler: handleGetRemediation,
});
