import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { ROLES, type Principal } from "../auth/policy";
import { parseJsonObject } from "../domain/json-body";
import { SWEEP_POLICIES, sweepPolicyAllowed, type SweepPolicy, type VmCheck } from "../domain/sweep-record";
import { InputError } from "../errors";
import { SWEEP } from "../orchestrations/sweep";
import { appContext } from "./app-context";
import { readJsonBody } from "./http-body";
import { jsonResponse, type RequestLog } from "./http-responses";
import { baseUrlOf, findRun } from "./run-starter";
import { secureHttp } from "./secure-http";
import { sweepContext, sweepSettings } from "./sweep-context";
import { isSweepId, startSweep } from "./sweep-starter";

const MAX_BODY_BYTES = 1024;
const OUTCOMES: ReadonlyArray<VmCheck["outcome"]> = ["compliant", "noncompliant", "unknown"];

function parseSweepRequest(text: string, allowed: SweepPolicy): SweepPolicy {
  if (text.trim() === "") return allowed;
  const { policy } = parseJsonObject(text, ["policy"], '{"policy": "report"}');
  if (policy === undefined) return allowed;
  if (typeof policy !== "string" || !(SWEEP_POLICIES as readonly string[]).includes(policy)) {
    throw new InputError("policy-invalid", "policy must be report, remediate or enforce");
  }
  if (!sweepPolicyAllowed(policy as SweepPolicy, allowed)) {
    const may = allowed === "report" ? "a sweep may not change VMs" : `a sweep may be report or ${allowed}`;
    throw new InputError("remediation-not-allowed", `SWEEP_POLICY is ${allowed}: ${may}`, 403);
  }
  return policy as SweepPolicy;
}

/**
 * POST /api/sweeps — an on-demand sweep, optionally report-only ({"policy":"report"}); one sweep at a time. The
 * sweep names the Operator who started it (a run it starts may then not be approved by the same identity).
 */
export async function handleStartSweep(request: HttpRequest, caller: Principal, client: DurableClient, _context: unknown, log: RequestLog): Promise<HttpResponseInit> {
  const { config } = appContext();
  const policy = parseSweepRequest(await readJsonBody(request, MAX_BODY_BYTES), config.sweep.policy);
  // requestedById rides along in the sweep's stored input: the approval check reads it back.
  const trigger = { kind: "manual" as const, requestedBy: caller.name, requestedById: caller.id };
  const handle = await startSweep(client, trigger, sweepSettings(config, policy), new Date());
  const statusUrl = `${baseUrlOf(request.url)}/api/sweeps/${handle.sweepId}`;
  if (handle.state !== "started") {
    return jsonResponse(409, { error: { code: "sweep-running", message: `sweep ${handle.sweepId} is in progress` }, sweepId: handle.sweepId, statusUrl });
  }
  log.info(`sweep ${handle.sweepId} started (policy ${policy}) by ${caller.name}`);
  return jsonResponse(202, { sweepId: handle.sweepId, state: handle.state, policy, statusUrl }, { Location: statusUrl, "Retry-After": "30" });
}

/**
 * GET /api/sweeps/{id} — progress while it runs, the report once done; with ?outcome=...&limit=...&continuationToken=...
 * also a page of per-VM results from the ledger (worst first).
 */
export async function handleGetSweep(request: HttpRequest, _caller: Principal, client: DurableClient): Promise<HttpResponseInit> {
  const sweepId = request.params.id ?? "";
  if (!isSweepId(sweepId)) throw new InputError("sweep-id-invalid", "the sweep ID is not one RDP Medic issues (sweep-<yyyymmddThhmmssZ>[-<hex>])");
  const status = await findRun(client, sweepId);
  if (!status || status.name !== SWEEP) throw new InputError("sweep-not-found", `no sweep ${sweepId}`, 404);
  const body: Record<string, unknown> = {
    sweepId,
    runtimeStatus: status.runtimeStatus,
    progress: status.customStatus ?? undefined,
    createdTime: status.createdTime,
    lastUpdatedTime: status.lastUpdatedTime,
    report: status.runtimeStatus === df.OrchestrationRuntimeStatus.Completed ? status.output : undefined,
    failure: status.runtimeStatus === df.OrchestrationRuntimeStatus.Failed ? status.output : undefined,
  };
  const outcome = request.query.get("outcome");
  if (outcome !== null || request.query.get("limit") !== null || request.query.get("continuationToken") !== null) {
    if (outcome !== null && !(OUTCOMES as readonly string[]).includes(outcome)) {
      throw new InputError("outcome-invalid", "outcome must be compliant, noncompliant or unknown");
    }
    const limit = Number(request.query.get("limit") ?? "100");
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new InputError("limit-invalid", "limit must be an integer from 1 to 1000");
    const ledger = sweepContext().ledger;
    if (!ledger) throw new InputError("results-not-stored", "no ledger is configured: per-VM results are not kept (the report has the worst VMs)", 404);
    const token = request.query.get("continuationToken");
    body.results = await ledger.listChecks(sweepId, {
      limit,
      ...(outcome !== null ? { outcome: outcome as VmCheck["outcome"] } : {}),
      ...(token !== null ? { continuationToken: token } : {}),
    });
  }
  return jsonResponse(200, body);
}

secureHttp("StartSweep", { route: "sweeps", methods: ["POST"], role: ROLES.operator, handler: handleStartSweep });
secureHttp("GetSweep", { route: "sweeps/{id}", methods: ["GET"], role: ROLES.operator, handler: handleGetSweep });
