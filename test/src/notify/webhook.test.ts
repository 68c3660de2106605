import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RunNotification } from "../../../src/domain/notification";
import { ConfigError } from "../../../src/errors";
import { createWebhookNotifier } from "../../../src/notify/webhook";

interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  body: string;
}

interface Receiver {
  url: string;
  port: number;
  received: Received[];
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** A local HTTP receiver on 127.0.0.1 that records what it gets and answers with `respond`. */
async function receiver(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ method: req.method ?? "", url: req.url ?? "", contentType: req.headers["content-type"], body });
      respond(req, res);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook?sig=SECRET-SIG`, port, received };
}

const notification: RunNotification = {
  reason: "needs-human",
  runId: "rdpmedic-vm01-0123456789abcdef",
  vmId: "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm01",
  verdict: "needs-human",
  summary: "No usable license server has CALs.",
  causes: ["no-cals", "grace-over"],
  humanActions: ["Install RDS CALs on rdls01.contoso.com.", "Then start a manual run."],
  statusUrl: "https://func-rdpmedic.azurewebsites.net/api/remediations/rdpmedic-vm01-0123456789abcdef",
  snapshotId: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/snapshots/s1",
  startedAt: "2030-01-01T00:00:00.000Z",
};

describe("webhook notifier", () => {
  it("POSTs a Teams / Logic Apps friendly JSON summary", async () => {
    const hook = await receiver((_req, res) => res.writeHead(200).end("1"));
    const result = await createWebhookNotifier({ url: hook.url }).notify(notification);

    expect(result).toEqual({ delivered: true, status: 200 });
    expect(hook.received).toHaveLength(1);
    const [request] = hook.received;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe("/hook?sig=SECRET-SIG");
    expect(request!.contentType).toMatch(/^application\/json/);
    const payload = JSON.parse(request!.body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      "@type": "MessageCard",
      title: "RDP Medic: vm01 needs a person",
      runId: notification.runId,
      vmId: notification.vmId,
      verdict: "needs-human",
      reason: "needs-human",
      statusUrl: notification.statusUrl,
      causes: ["no-cals", "grace-over"],
    });
    expect(payload.text).toBe(
      "No usable license server has CALs.\n\n- Install RDS CALs on rdls01.contoso.com.\n- Then start a manual run.",
    );
    expect(payload.facts).toEqual([
      { name: "VM", value: notification.vmId },
      { name: "Run", value: notification.runId },
      { name: "Verdict", value: "needs-human" },
      { name: "Causes", value: "no-cals, grace-over" },
      { name: "Snapshot", value: notification.snapshotId },
      { name: "Started", value: notification.startedAt },
    ]);
    expect(payload.sections).toEqual([{ facts: payload.facts }]);
  });

  it("accepts 202 as delivered (Logic Apps answers so)", async () => {
    const hook = await receiver((_req, res) => res.writeHead(202).end());
    expect(await createWebhookNotifier({ url: hook.url }).notify(notification)).toEqual({ delivered: true, status: 202 });
  });

  it("a receiver answering 500 gives delivered: false, no throw", async () => {
    const hook = await receiver((_req, res) => res.writeHead(500).end("boom"));
    const result = await createWebhookNotifier({ url: hook.url }).notify(notification);
    expect(result).toEqual({ delivered: false, status: 500, error: "receiver answered 500" });
  });

  it("a receiver that never answers is cut off by the timeout", async () => {
    const hook = await receiver(() => {
      /* never answers */
    });
    const result = await createWebhookNotifier({ url: hook.url, timeoutMs: 200 }).notify(notification);
    expect(result.delivered).toBe(false);
    expect(result.status).toBeUndefined();
    expect(result.error).toBe("no answer within 200 ms");
    expect(hook.received).toHaveLength(1);
  });

  it("connection refused gives delivered: false without leaking the URL's secret", async () => {
    const hook = await receiver(() => undefined);
    const closed = servers.pop()!;
    await new Promise((done) => closed.close(done));
    const result = await createWebhookNotifier({ url: hook.url }).notify(notification);
    expect(result.delivered).toBe(false);
    expect(result.error).toMatch(/ECONNREFUSED/);
    expect(result.error).not.toMatch(/SECRET/);
  });

  it("does not follow a redirect to another host", async () => {
    const elsewhere = await receiver((_req, res) => res.writeHead(200).end());
    const hook = await receiver((_req, res) =>
      res.writeHead(307, { location: `http://localhost:${elsewhere.port}/steal` }).end(),
    );
    const result = await createWebhookNotifier({ url: hook.url }).notify(notification);
    expect(result).toEqual({
      delivered: false,
      status: 307,
      error: `receiver redirected (307) to localhost:${elsewhere.port}; not followed`,
    });
    expect(elsewhere.received).toHaveLength(0);
  });

  it("never throws, even when the transport itself throws", async () => {
    const fetchImpl = (() => {
      throw new TypeError("fetch to https://hooks.example.com/hook?sig=SECRET-SIG broke");
    }) as unknown as typeof fetch;
    const notifier = createWebhookNotifier({ url: "https://hooks.example.com/hook?sig=SECRET-SIG", fetchImpl });
    const result = await notifier.notify(notification);
    expect(result.delivered).toBe(false);
    expect(result.error).toContain("https://hooks.example.com/…");
    expect(result.error).not.toContain("SECRET");
  });

  it("refuses URLs that are not https, except http to loopback, at creation", () => {
    for (const url of ["http://hooks.example.com/x", "http://10.0.0.4/x", "ftp://127.0.0.1/x", "not a url", "https://user:pw@hooks.example.com/x"]) {
      expect(() => createWebhookNotifier({ url }), url).toThrow(ConfigError);
    }
    const error = (() => {
      try {
        createWebhookNotifier({ url: "http://hooks.example.com/x?sig=SECRET" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).setting).toBe("NOTIFY_WEBHOOK_URL");
    expect((error as Error).message).not.toContain("SECRET");
    for (const url of ["https://prod-00.westeurope.logic.azure.com/workflows/x", "http://127.0.0.1:9/x", "http://localhost:9/x", "http://[::1]:9/x"]) {
      expect(() => createWebhookNotifier({ url }), url).not.toThrow();
    }
    expect(() => createWebhookNotifier({ url: "https://a.example.com", timeoutMs: 0 })).toThrow(ConfigError);
  });
});
