import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import type { DurableClient } from "durable-functions";
import { parseDecisionBody } from "../domain/manual-request";
import { isRunId } from "../domain/resource-id";
import type { ApprovalDecision, RunStatus } from "../domain/run";
import { InputError } from "../errors";
import { APPROVAL_EVENT, CANCEL_EVENT } from "../orchestrations/remediate-vm";
import { errorResponse, jsonResponse, readBodyText } from "./http-responses";
import { findRun, isActive } from "./run-starter";

type Decision = "approve" | "reject" | "cancel";

/** POST /api/remediations/{id}/approve | reject | cancel */
export function decisionHandler(decision: Decision) {
  return async (request: HttpRequest, client: DurableClient, context: InvocationContext): Promise<HttpResponseInit> => {
    try {
      const runId = request.params.id ?? "";
      if (!isRunId(runId)) throw new InputError("run-id-invalid", "the run ID is not one RDP Medic issues (rdpmedic-<vm>-<hash>)");
      const body = parseDecisionBody(await readBodyText(request, 4096));
      const status = await findRun(client, runId);
      if (!status) throw new InputError("run-not-found", `no run ${runId}`, 404);
      if (!isActive(status)) throw new InputError("run-finished", `run ${runId} has already finished`, 409);
      const step = (status.customStatus as RunStatus | undefined)?.step;
      if (decision !== "cancel" && step !== "awaiting-approval") {
        throw new InputError("not-awaiting-approval", `run ${runId} is not waiting for approval (step: ${step ?? "unknown"})`, 409);
      }
      if (decision === "cancel") {
        await client.raiseEvent(runId, CANCEL_EVENT, { by: body.by });
      } else {
        const answer: ApprovalDecision = { approved: decision === "approve", ...body };
        await client.raiseEvent(runId, APPROVAL_EVENT, answer);
      }
      context.log(`run ${runId}: ${decision} by ${body.by}`);
      return jsonResponse(202, { runId, decision, by: body.by });
    } catch (error) {
      return errorResponse(error, context);
    }
  };
}

for (const decision of ["approve", "reject", "cancel"] as const) {
  df.app.client.http(`${decision[0]!.toUpperCase()}${decision.slice(1)}Remediation`, {
    route: `remediations/{id}/${decision}`,
    methods: ["POST"],
    authLevel: "function",
    handler: decisionHandler(decision),
  });
}
