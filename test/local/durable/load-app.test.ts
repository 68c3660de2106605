import { LocalDurableHost, loadFunctionApp } from "../../../local/durable";
import { expect, it } from "vitest";

it("loads an unmodified app entry module and serves its functions", async () => {
  const registry = await loadFunctionApp(() => import("./fixtures/sample-app.js"));
  expect(registry.all().map((r) => `${r.name}:${r.triggerType}`)).toEqual([
    "Double:activityTrigger",
    "SampleOrch:orchestrationTrigger",
    "SampleStart:httpTrigger",
  ]);
  const host = await LocalDurableHost.start({ registry, autoRun: true });
  try {
    const started = await host.invokeRoute("POST", "/api/samples", { body: 21 });
    expect(started.status).toBe(202);
    await host.waitForIdle();
    expect(host.getStatus((started.json as { id: string }).id)).toMatchObject({ runtimeStatus: "Completed", output: 42 });
  } finally {
    await host.close();
  }
});
