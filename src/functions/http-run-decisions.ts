import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { DurableClient } from "durable-functions";
import { actorOf, mayDecide, ROLES, type Actor, type Principal } from "../auth/policy";
import { parseDecisionBody } from "../domain/manual-request";
import { isRunId } from "../domain/resource-id";
import { startersOf, type ApprovalDecision, type CancelRequest, type RemediationInput, type RunStatus } from "../domain/run";
import { InputError } from "../errors";
import { APPROVAL_EVENT, CANCEL_EVENT } from "../orchestrations/remediate-vm";
import { appContext } from "./app-context";
import { readJsonBody } from "./http-body";
import { jsonResponse, type RequestLog } from "./http-responses";
import { findRun, isActive } from "./run-starter";
import { secureHttp } from "./secure-http";
import { isSweepId } from "./sweep-starter";

type Decision = "approve" | "reject" | "cancel";

const MAX_BODY_BYTES = 4096;

/**
 * POST /api/remediations/{id}/approve | reject (Approver) | cancel (Operator). Who decides is the caller's token;
 * the identity that started the run may not approve or reject it (four eyes, unless ALLOW_SELF_APPROVAL).
 */
export function decisionHandler(decision: Decision) {
  return async (request: HttpRequest, caller: Principal, client: DurableClient, _context: unknown, log: RequestLog): Promise<HttpResponseInit> => {
    const runId = request.params.id ?? "";
    if (!isRunId(runId)) throw new InputError("run-id-invalid", "the run ID is not one RDP Medic issues (rdpmedic-<vm>-<hash>)");
    const { comment } = parseDecisionBody(await readJsonBody(request, MAX_BODY_BYTES));
    const status = await findRun(client, runId);
    if (!status) throw new InputError("run-not-found", `no run ${runId}`, 404);
    if (!isActive(status)) throw new InputError("run-finished", `run ${runId} has already finished`, 409);
    const step = (status.customStatus as RunStatus | undefined)?.step;
    const by = actorOf(caller);
    const at = new Date().toISOString();
    if (decision === "cancel") {
      await client.raiseEvent(runId, CANCEL_EVENT, { by, at, ...(comment ? { comment } : {}) } satisfies CancelRequest);
    } else {
      if (step !== "awaiting-approval") {
        throw new InputError("not-awaiting-approval", `run ${runId} is not waiting for approval (step: ${step ?? "unknown"})`, 409);
      }
      const allowed = mayDecide(by, await startersOfRun(client, status.input), appContext().config.allowSelfApproval);
      if (!allowed.ok) throw new InputError("self-approval", allowed.reason, 403);
      const answer: ApprovalDecision = { approved: decision === "approve", by, at, ...(comment ? { comment } : {}) };
      await client.raiseEvent(runId, APPROVAL_EVENT, answer);
    }
    log.info(`run ${runId}: ${decision} by ${by.name} (${by.id})`);
    return jsonResponse(202, { runId, decision, by, at });
  };
}

/** Who started the run: the person of a manual run, or the person who started the sweep that started it. */
async function startersOfRun(client: DurableClient, input: unknown): Promise<Actor[]> {
  const trigger = (input as Partial<RemediationInput> | undefined)?.trigger;
  if (!trigger) return [];
  if (trigger.kind !== "sweep") return startersOf(trigger);
  if (!isSweepId(trigger.sweepId)) return [];
  const sweep = await findRun(client, trigger.sweepId);
  const started = (sweep?.input as { trigger?: { requestedById?: unknown; requestedBy?: unknown } } | undefined)?.trigger;
  return typeof started?.requestedById === "string" ? [{ id: started.requestedById, name: String(started.requestedBy ?? started.requestedById) }] : [];
}

for (const decision of ["approve", "reject", "cancel"] as const) {
  secureHttp(`${decision[0]!.toUpperCase()}${decision.slice(1)}Remediation`, {
    route: `remediations/{id}/${decision}`,
    methods: ["POST"],
    role: decision === "cancel" ? ROLES.operator : ROLES.approver,
    handler: decisionHandler(decision),
  });
}
