import { functionRegistry } from "../../../local/durable/functions-core";
import * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalDurableHost } from "../../../local/durable/host";

df.app.activity("Work", { handler: (job: { id: string; size: number }) => ({ id: job.id, doubled: job.size * 2 }) });

df.app.orchestration("Job", function* (context: OrchestrationContext) {
  const input = context.df.getInput() as { size: number };
  context.df.setCustomStatus("working");
  const result: unknown = yield context.df.callActivity("Work", { id: context.df.instanceId, size: input.size });
  const note: unknown = yield context.df.waitForExternalEvent("Finish");
  return { result, note };
});

// The singleton starter from the durable-functions docs, with the try/catch that 3.x's throwing getStatus needs.
df.app.client.http("StartJob", {
  route: "jobs/{id}",
  methods: ["POST"],
  handler: async (request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit | ReturnType<df.DurableClient["createCheckStatusResponse"]>> => {
    const id = request.params.id as string;
    let existing: df.DurableOrchestrationStatus | undefined;
    try {
      existing = await client.getStatus(id);
    } catch {
      existing = undefined;
    }
    if (existing && ["Pending", "Running", "ContinuedAsNew", "Suspended"].includes(existing.runtimeStatus)) {
      return { status: 409, jsonBody: { error: `${id} is ${existing.runtimeStatus}` } };
    }
    await client.startNew("Job", { instanceId: id, input: await request.json() });
    return client.createCheckStatusResponse(request, id);
  },
});

// A starter without the check: the extension itself must refuse to start a running id.
df.app.client.http("ForceStartJob", {
  route: "force/{id}",
  methods: ["POST"],
  handler: async (request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> => {
    try {
      const id = await client.startNew("Job", { instanceId: request.params.id as string, input: { size: 1 } });
      return { status: 202, jsonBody: { id } };
    } catch (error) {
      return { status: 409, jsonBody: { error: (error as Error).message } };
    }
  },
});

df.app.client.http("JobStatus", {
  route: "jobs/{id}",
  methods: ["GET"],
  handler: async (request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> => {
    try {
      const status = await client.getStatus(request.params.id as string);
      return { jsonBody: { runtimeStatus: status.runtimeStatus, customStatus: status.customStatus, output: status.output } };
    } catch (error) {
      return { status: 404, jsonBody: { error: (error as Error).message } };
    }
  },
});

df.app.client.http("FinishJob", {
  route: "jobs/{id}/finish",
  methods: ["POST"],
  handler: async (request: HttpRequest, client: df.DurableClient): Promise<HttpResponseInit> => {
    try {
      await client.raiseEvent(request.params.id as string, "Finish", await request.json());
      return { status: 202 };
    } catch (error) {
      return { status: 404, jsonBody: { error: (error as Error).message } };
    }
  },
});

df.app.client.http("Admin", {
  route: "admin/{action}/{id?}",
  methods: ["POST"],
  handler: async (request: HttpRequest, client: df.DurableClient, context: InvocationContext): Promise<HttpResponseInit> => {
    context.log(`admin ${request.params.action}`);
    switch (request.params.action) {
      case "terminate":
        await client.terminate(request.params.id as string, "operator said stop");
        return { status: 202 };
      case "suspend":
        await client.suspend(request.params.id as string, "maintenance window");
        return { status: 202 };
      case "resume":
        await client.resume(request.params.id as string, "window over");
        return { status: 202 };
      case "purge":
        return { jsonBody: await client.purgeInstanceHistory(request.params.id as string) };
      case "list": {
        const all = await client.getStatusAll();
        return { jsonBody: all.map((s) => s.instanceId) };
      }
      case "running": {
        const running = await client.getStatusBy({ runtimeStatus: [df.OrchestrationRuntimeStatus.Running] });
        return { jsonBody: running.map((s) => s.instanceId) };
      }
      default:
        return { status: 400 };
    }
  },
});

df.app.client.http("StartAndWait", {
  route: "quick/{id}",
  methods: ["POST"],
  handler: async (request: HttpRequest, client: df.DurableClient) => {
    const id = await client.startNew("Job", { instanceId: request.params.id as string, input: { size: 7 } });
    await client.raiseEvent(id, "Finish", "auto");
    return client.waitForCompletionOrCreateCheckStatusResponse(request, id, {
      timeoutInMilliseconds: 20000,
      retryIntervalInMilliseconds: 10,
    });
  },
});

df.app.client.timer("NightlySweep", {
  schedule: "0 0 2 * * *",
  handler: async (_timer, client: df.DurableClient) => {
    await client.startNew("Job", { instanceId: "sweep", input: { size: 5 } });
  },
});

let host: LocalDurableHost;
beforeEach(async () => {
  host = await LocalDurableHost.start({ registry: functionRegistry });
});
afterEach(() => host.close());

describe("HTTP starter through the real DurableClient", () => {
  it("starts an orchestration and returns the extension's check-status response", async () => {
    const response = await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-1" }, body: { size: 21 } });

    expect(response.status).toBe(202);
    const payload = response.json as Record<string, string>;
    expect(payload.id).toBe("job-1");
    expect(payload.statusQueryGetUri).toMatch(
      new RegExp(`^${host.origin}/runtime/webhooks/durabletask/instances/job-1\\?taskHub=TestHubName&connection=Storage&code=`),
    );
    expect(response.headers.location).toBe(payload.statusQueryGetUri);
    expect(host.getStatus("job-1")).toMatchObject({ runtimeStatus: "Pending", input: { size: 21 } });

    await host.runUntilIdle({ advanceClock: false });
    const polled = await fetch(payload.statusQueryGetUri as string);
    expect(polled.status).toBe(202);
    expect(await polled.json()).toMatchObject({ runtimeStatus: "Running", customStatus: "working", instanceId: "job-1" });

    const finish = await host.invokeRoute("POST", "/api/jobs/job-1/finish", { body: { note: "all good" } });
    expect(finish.status).toBe(202);
    await host.runUntilIdle();
    const done = await fetch(payload.statusQueryGetUri as string);
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({
      runtimeStatus: "Completed",
      output: { result: { id: "job-1", doubled: 42 }, note: { note: "all good" } },
    });
  });

  it("reports status through client.getStatus, and a clear 404 error for an unknown id", async () => {
    await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-2" }, body: { size: 1 } });
    await host.runUntilIdle({ advanceClock: false });

    const known = await host.invokeRoute("GET", "/api/jobs/job-2");
    expect(known.json).toEqual({ runtimeStatus: "Running", customStatus: "working", output: null });
    const unknown = await host.invokeRoute("GET", "/api/jobs/nobody");
    expect(unknown.status).toBe(404);
    expect((unknown.json as { error: string }).error).toContain("Durable Functions extension replied with HTTP 404 response");
  });

  it("rejects a second start of a running id: by the app's check, and by the extension itself", async () => {
    expect((await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-3" }, body: { size: 2 } })).status).toBe(202);
    await host.runUntilIdle({ advanceClock: false });

    const again = await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-3" }, body: { size: 2 } });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: "job-3 is Running" });

    const forced = await host.invokeRoute("POST", "/api/force/job-3");
    expect(forced.status).toBe(409);
    expect((forced.json as { error: string }).error).toMatch(/unexpected status code: 409.*An Orchestration instance with the status Running already exists/);
    expect(host.listInstances()).toHaveLength(1);
  });

  it("allows starting a finished id again (the old instance is replaced)", async () => {
    await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-4" }, body: { size: 3 } });
    await host.runUntilIdle({ advanceClock: false });
    await host.invokeRoute("POST", "/api/admin/terminate/job-4");
    await host.runUntilIdle();
    expect(host.getStatus("job-4")).toMatchObject({ runtimeStatus: "Terminated", output: "operator said stop" });

    const restart = await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-4" }, body: { size: 4 } });
    expect(restart.status).toBe(202);
    expect(host.getStatus("job-4")).toMatchObject({ runtimeStatus: "Pending", input: { size: 4 } });
  });

  it("raises events (202, and 410 for a finished instance resolves silently) and rejects unknown instances", async () => {
    await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-5" }, body: { size: 1 } });
    await host.runUntilIdle({ advanceClock: false });
    expect((await host.invokeRoute("POST", "/api/jobs/job-5/finish", { body: { ok: true } })).status).toBe(202);
    await host.runUntilIdle();
    expect(host.getStatus("job-5")?.runtimeStatus).toBe("Completed");

    expect((await host.invokeRoute("POST", "/api/jobs/job-5/finish", { body: { late: true } })).status).toBe(202);
    const missing = await host.invokeRoute("POST", "/api/jobs/ghost/finish", { body: {} });
    expect(missing.status).toBe(404);
    expect((missing.json as { error: string }).error).toBe("No instance with ID 'ghost' found.");
  });

  it("lists instances across continuation pages and purges finished ones", async () => {
    for (let i = 0; i < 120; i++) host.startNew("Job", { instanceId: `bulk-${String(i).padStart(3, "0")}`, input: { size: i } });
    await host.runUntilIdle({ advanceClock: false });

    const listed = await host.invokeRoute("POST", "/api/admin/list");
    expect((listed.json as string[]).length).toBe(120);
    const running = await host.invokeRoute("POST", "/api/admin/running");
    expect((running.json as string[]).length).toBe(120);

    const notFinished = await host.invokeRoute("POST", "/api/admin/purge/bulk-000");
    expect(notFinished.status).toBe(500);
    host.terminate("bulk-000", "done with it");
    await host.runUntilIdle({ advanceClock: false });
    const purged = await host.invokeRoute("POST", "/api/admin/purge/bulk-000");
    expect(purged.json).toEqual({ instancesDeleted: 1 });
    expect(host.getStatus("bulk-000")).toBeUndefined();
  });

  it("suspends and resumes an instance: messages wait while it is suspended", async () => {
    await host.invokeHttp("StartJob", { method: "POST", params: { id: "job-7" }, body: { size: 1 } });
    await host.runUntilIdle({ advanceClock: false });
    expect((await host.invokeRoute("POST", "/api/admin/suspend/job-7")).status).toBe(202);
    await host.runUntilIdle();
    expect(host.getStatus("job-7")?.runtimeStatus).toBe("Suspended");

    await host.invokeRoute("POST", "/api/jobs/job-7/finish", { body: { note: "while suspended" } });
    await host.runUntilIdle();
    expect(host.getStatus("job-7")?.runtimeStatus).toBe("Suspended");

    await host.invokeRoute("POST", "/api/admin/resume/job-7");
    await host.runUntilIdle();
    expect(host.getStatus("job-7")).toMatchObject({ runtimeStatus: "Completed", output: { note: { note: "while suspended" } } });
    const types = host.history("job-7").map((e) => e.EventType);
    expect(types).toContain(19);
    expect(types).toContain(20);
  });

  it("dispatches routes by template and method, and answers 404 for no match", async () => {
    expect((await host.invokeRoute("DELETE", "/api/jobs/job-1")).status).toBe(404);
    expect((await host.invokeRoute("GET", "/api/unknown/path")).status).toBe(404);
    expect((await host.invokeRoute("GET", "/not-api/jobs/x")).status).toBe(404);
  });

  it("serves the app's routes over loopback HTTP as well", async () => {
    const response = await fetch(`${host.origin}/api/jobs/job-6`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ size: 8 }),
    });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { id: string }).id).toBe("job-6");
    expect(host.getStatus("job-6")?.input).toEqual({ size: 8 });
  });

  it("runs a timer-triggered starter with its durable client", async () => {
    await host.invokeTimer("NightlySweep");
    expect(host.getStatus("sweep")).toMatchObject({ runtimeStatus: "Pending", input: { size: 5 } });
  });
});

describe("background mode", () => {
  it("processes work started through a trigger without an explicit run", async () => {
    const background = await LocalDurableHost.start({ registry: functionRegistry, autoRun: true });
    try {
      await background.invokeHttp("StartJob", { method: "POST", params: { id: "bg-1" }, body: { size: 50 } });
      await background.invokeRoute("POST", "/api/jobs/bg-1/finish", { body: ["from the CLI"] });
      await background.waitForIdle();
      expect(background.getStatus("bg-1")).toMatchObject({
        runtimeStatus: "Completed",
        output: { result: { id: "bg-1", doubled: 100 }, note: ["from the CLI"] },
      });

      // The client polls the extension while the host works in the background.
      const waited = await background.invokeRoute("POST", "/api/quick/bg-2");
      expect(waited.status).toBe(200);
      expect(waited.json).toEqual({ result: { id: "bg-2", doubled: 14 }, note: "auto" });
    } finally {
      await background.close();
    }
  });
});
