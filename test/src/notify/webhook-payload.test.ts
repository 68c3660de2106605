import { describe, expect, it } from "vitest";
import type { RunNotification } from "../../../src/domain/notification";
import { buildWebhookPayload } from "../../../src/notify/webhook-payload";

const base: RunNotification = {
  reason: "approval-needed",
  runId: "rdpmedic-vm02-0123456789abcdef",
  vmId: "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm02",
  verdict: "awaiting-approval",
  summary: "Removing the RD Session Host role needs approval.",
};

describe("webhook payload", () => {
  it("titles and colours each reason", () => {
    const titles = (["approval-needed", "needs-human", "failed"] as const).map((reason) => {
      const p = buildWebhookPayload({ ...base, reason });
      return [p.title, p.themeColor];
    });
    expect(titles).toEqual([
      ["RDP Medic: approval needed on vm02", "FFB900"],
      ["RDP Medic: vm02 needs a person", "FF8C00"],
      ["RDP Medic: remediation failed on vm02", "D13438"],
    ]);
  });

  it("leaves out what the run does not have", () => {
    const p = buildWebhookPayload(base);
    expect(p.facts.map((f) => f.name)).toEqual(["VM", "Run", "Verdict"]);
    expect(p.text).toBe(base.summary);
    expect(p).not.toHaveProperty("statusUrl");
    expect(p).not.toHaveProperty("potentialAction");
    expect(p.verdict).toBe("awaiting-approval");
  });

  it("links the status page when there is one", () => {
    const p = buildWebhookPayload({ ...base, statusUrl: "https://app/api/remediations/x" });
    expect(p.potentialAction).toEqual([
      { "@type": "OpenUri", name: "Open run status", targets: [{ os: "default", uri: "https://app/api/remediations/x" }] },
    ]);
  });

  it("bounds long text so a card stays within receiver limits", () => {
    const p = buildWebhookPayload({
      ...base,
      summary: "s".repeat(10_000),
      humanActions: Array.from({ length: 100 }, () => "a".repeat(5000)),
    });
    expect(p.humanActions).toHaveLength(20);
    expect(p.humanActions!.every((a) => a.length === 500 && a.endsWith("…"))).toBe(true);
    expect(JSON.stringify(p).length).toBeLessThan(28_000);
  });
});
