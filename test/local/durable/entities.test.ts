import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { EntityContext, OrchestrationContext } from "durable-functions";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { afterEach, describe, expect, it } from "vitest";
import { EventType, describeHistory } from "../../../local/durable/history";
import { LocalDurableHost, type LocalDurableHostOptions } from "../../../local/durable/host";

interface GateState {
  holder: string | null;
  grants: number;
}

/** A per-license-server gate: one holder at a time. */
df.app.entity("Gate", (context: EntityContext<GateState>) => {
  const state = context.df.getState(() => ({ holder: null, grants: 0 })) as GateState;
  switch (context.df.operationName) {
    case "acquire": {
      const who = context.df.getInput() as string;
      if (state.holder === null || state.holder === who) {
        context.df.setState({ holder: who, grants: state.grants + 1 });
        context.df.return(true);
      } else {
        context.df.setState(state);
        context.df.return(false);
      }
      return;
    }
    case "release":
      if (state.holder === context.df.getInput<string>()) context.df.setState({ ...state, holder: null });
      return;
    case "audit":
      context.df.signalEntity(new df.EntityId("Counter", "audits"), "add", 1);
      context.df.return(state.holder);
      return;
    case "explode":
      throw new Error("gate is broken");
    default:
      throw new Error(`unknown operation ${context.df.operationName}`);
  }
});

df.app.entity("Counter", (context: EntityContext<number>) => {
  const value = (context.df.getState(() => 0) as number) + ((context.df.getInput() as number | undefined) ?? 0);
  context.df.setState(value);
  context.df.return(value);
});

df.app.orchestration("GuardedRepair", function* (context: OrchestrationContext) {
  const gate = new df.EntityId("Gate", "license-server-1");
  const me = context.df.instanceId;
  const granted: boolean = yield context.df.callEntity(gate, "acquire", me);
  if (!granted) return "busy";
  const holder: string = yield context.df.callEntity(gate, "audit");
  context.df.signalEntity(gate, "release", me);
  return `repaired while ${holder} held the gate`;
});

df.app.orchestration("BreakGate", function* (context: OrchestrationContext) {
  try {
    yield context.df.callEntity(new df.EntityId("Gate", "license-server-9"), "explode");
    return "no error";
  } catch (error) {
    return `caught: ${(error as Error).message}`;
  }
});

df.app.client.http("GateAdmin", {
  route: "gates/{key}",
  methods: ["GET", "POST"],
  handler: async (request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> => {
    const gate = new df.EntityId("Gate", request.params.key as string);
    if (request.method === "POST") {
      await client.signalEntity(gate, "acquire", request.query.get("who") ?? "operator");
      return { status: 202 };
    }
    const state = await client.readEntityState<GateState>(gate);
    return { jsonBody: state };
  },
});

let host: LocalDurableHost | undefined;
afterEach(() => host?.close());

async function startHost(options: LocalDurableHostOptions = {}): Promise<LocalDurableHost> {
  host = await LocalDurableHost.start({ registry: functionRegistry, ...options });
  return host;
}

describe("entities called from orchestrations", () => {
  it("return operation results and keep state; calls travel as EventSent/EventRaised", async () => {
    const h = await startHost();
    const id = h.startNew("GuardedRepair", { instanceId: "repair-1" });
    await h.runUntilIdle();

    expect(h.getStatus(id)).toMatchObject({ runtimeStatus: "Completed", output: "repaired while repair-1 held the gate" });
    expect(h.readEntityState<GateState>("Gate", "license-server-1")).toEqual({
      entityExists: true,
      entityState: { holder: null, grants: 1 },
    });
    expect(h.readEntityState<number>("Counter", "audits")).toEqual({ entityExists: true, entityState: 1 });
    const history = h.history(id);
    expect(describeHistory(history)[0]).toBe("OrchestratorStarted ExecutionStarted EventSent(op) OrchestratorCompleted");
    const sent = history.filter((e) => e.EventType === EventType.EventSent);
    expect(sent.map((e) => [e.EventId, "InstanceId" in e ? e.InstanceId : ""])).toEqual([
      [0, "@gate@license-server-1"],
      [1, "@gate@license-server-1"],
      [2, "@gate@license-server-1"],
    ]);
    const requestId = (JSON.parse((sent[0] as { Input: string }).Input) as { id: string }).id;
    expect(history.some((e) => e.EventType === EventType.EventRaised && e.Name === requestId)).toBe(true);
  });

  for (const batch of ["all", 1] as const) {
    it(`run one operation at a time per entity: of five concurrent callers one gets the gate (batch=${batch})`, async () => {
      const h = await startHost({ batch });
      const ids = [1, 2, 3, 4, 5].map((i) => h.startNew("GuardedRepair", { instanceId: `race-${i}` }));
      // All five acquisitions queue before the winner's release, and the entity runs them one by one.
      await h.runUntilIdle();
      const outputs = ids.map((id) => h.getStatus(id)?.output);
      expect(outputs.filter((o) => o === "busy")).toHaveLength(4);
      expect(outputs.filter((o) => typeof o === "string" && o.startsWith("repaired"))).toHaveLength(1);
      expect(h.readEntityState<GateState>("Gate", "license-server-1").entityState?.grants).toBe(1);
    });
  }

  it("surface an operation's failure to the calling orchestration", async () => {
    const h = await startHost();
    const id = h.startNew("BreakGate");
    await h.runUntilIdle();
    expect(h.getStatus(id)?.runtimeStatus).toBe("Completed");
    expect(h.getStatus(id)?.output).toMatch(/^caught: /);
    expect(h.getStatus(id)?.output).not.toBe("no error");
  });
});

describe("entities from clients", () => {
  it("signalEntity and readEntityState work through the real DurableClient", async () => {
    const h = await startHost();
    const before = await h.invokeRoute("GET", "/api/gates/ls-2");
    expect(before.json).toEqual({ entityExists: false });

    expect((await h.invokeRoute("POST", "/api/gates/ls-2", { query: { who: "alice" } })).status).toBe(202);
    await h.runUntilIdle();

    const after = await h.invokeRoute("GET", "/api/gates/ls-2");
    expect(after.json).toEqual({ entityExists: true, entityState: { holder: "alice", grants: 1 } });
  });
});
