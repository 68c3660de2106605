import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/errors";
import { alertKey, bounded, MAX_ALERT_BYTES, MAX_ALERT_ID_CHARS, MAX_ALERT_RULE_CHARS, parseAlert, parseAlertBody } from "../../../src/domain/alert";

const SUB = "6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10";
const vmId = (name: string) =>
  `/subscriptions/${SUB}/resourcegroups/rg-rdsh/providers/microsoft.compute/virtualmachines/${name}`;
const fixture = (name: string) => readFileSync(join(__dirname, "../../fixtures/alerts", name), "utf8");
const load = (name: string) => JSON.parse(fixture(name)) as Record<string, any>;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).code;
  }
  throw new Error("expected an InputError");
}

describe("alert parsing on Microsoft-shaped payloads", () => {
  it("log alert V2 on a workspace: the VM comes from the _ResourceId dimension, not the workspace target", () => {
    const alert = parseAlertBody(fixture("log-alert-v2-workspace.json"));
    expect(alert.vms.map((v) => v.id)).toEqual([vmId("rdsh-01")]);
    expect(alert.computerNames).toEqual([]); // the Computer dimension is the same VM
    expect(alert.ignore).toBeUndefined();
    expect(alert.signalType).toBe("Log");
  });

  it("resource-centric log alert: mixed-case ResourceId dimension and lower-cased target are one VM", () => {
    const alert = parseAlertBody(fixture("log-alert-v2-resource.json"));
    expect(alert.vms.map((v) => v.id)).toEqual([vmId("rdsh-02")]);
  });

  it("metric alert: target from alertTargetIDs; a GUID ResourceId dimension is not a VM", () => {
    const alert = parseAlertBody(fixture("metric-alert.json"));
    expect(alert.vms.map((v) => v.id)).toEqual([vmId("rdsh-03")]);
  });

  it("resource health alert: target from alertTargetIDs", () => {
    const alert = parseAlertBody(fixture("resource-health.json"));
    expect(alert.vms.map((v) => v.name)).toEqual(["rdsh-04"]);
    expect(alert.ignore).toBeUndefined();
  });

  it("legacy log alert: VMs from embedded search results, bare Computer dimension left to resolve", () => {
    const alert = parseAlertBody(fixture("legacy-log-alert.json"));
    expect(alert.vms.map((v) => v.name)).toEqual(["rdsh-05"]);
    expect(alert.computerNames).toEqual(["rdsh-06"]);
  });

  it("resolved alerts are ignored", () => {
    const alert = parseAlertBody(fixture("metric-alert-resolved.json"));
    expect(alert.ignore?.reason).toBe("resolved");
    expect(alert.vms).toHaveLength(1);
  });

  it("activity-log alert for our own restart is ignored; someone else's is not", () => {
    const ours = parseAlertBody(fixture("activity-log-restart.json"), { ownClientId: "11111111-1111-1111-1111-111111111111" });
    expect(ours.ignore?.reason).toBe("own-action");
    const theirs = parseAlertBody(fixture("activity-log-restart.json"), { ownClientId: "99999999-9999-9999-9999-999999999999" });
    expect(theirs.ignore).toBeUndefined();
    const unknownIdentity = parseAlertBody(fixture("activity-log-restart.json"));
    expect(unknownIdentity.ignore?.reason).toBe("own-action");
  });

  it("multiple targets, duplicates in other case collapse to one run each", () => {
    const alert = load("metric-alert.json");
    alert.data.essentials.alertTargetIDs = [
      vmId("a"),
      vmId("b").toUpperCase().replace("SUBSCRIPTIONS", "subscriptions"),
      vmId("A"),
      vmId("b"),
    ];
    const parsed = parseAlert(alert);
    expect(parsed.vms.map((v) => v.name)).toEqual(["a", "b"]);
  });
});

describe("alert parsing rejects bad bodies with stable codes", () => {
  it("malformed JSON", () => expect(codeOf(() => parseAlertBody("{not json"))).toBe("body-not-json"));
  it("oversized body is 413", () => {
    const body = JSON.stringify({ schemaId: "azureMonitorCommonAlertSchema", pad: "x".repeat(MAX_ALERT_BYTES) });
    try {
      parseAlertBody(body);
      throw new Error("expected rejection");
    } catch (e) {
      expect((e as InputError).code).toBe("body-too-large");
      expect((e as InputError).status).toBe(413);
    }
  });
  it("wrong schemaId", () => {
    const alert = load("metric-alert.json");
    alert.schemaId = "Microsoft.Insights/activityLogs";
    expect(codeOf(() => parseAlert(alert))).toBe("schema-unsupported");
  });
  it("missing essentials", () => expect(codeOf(() => parseAlert({ schemaId: "azureMonitorCommonAlertSchema", data: {} }))).toBe("alert-malformed"));
  it("bad monitorCondition", () => {
    const alert = load("metric-alert.json");
    alert.data.essentials.monitorCondition = "Maybe";
    expect(codeOf(() => parseAlert(alert))).toBe("alert-malformed");
  });
  it("non-array targets", () => {
    const alert = load("metric-alert.json");
    alert.data.essentials.alertTargetIDs = "nope";
    expect(codeOf(() => parseAlert(alert))).toBe("alert-malformed");
  });
  it("too many VMs", () => {
    const alert = load("metric-alert.json");
    alert.data.essentials.alertTargetIDs = Array.from({ length: 101 }, (_, i) => vmId(`vm-${i}`));
    expect(codeOf(() => parseAlert(alert))).toBe("too-many-targets");
  });
  it("non-VM targets yield no VM (the handler answers no-vm-target)", () => {
    const alert = load("metric-alert.json");
    alert.data.essentials.alertTargetIDs = ["/subscriptions/x/resourceGroups/y/providers/Microsoft.Storage/storageAccounts/z"];
    alert.data.essentials.configurationItems = ["z"];
    expect(parseAlert(alert).vms).toEqual([]);
  });
});

describe("bounded before use: every way of naming a VM counts, every string is cut to a recordable size", () => {
  const logAlert = (dimensions: Array<Array<{ name: string; value: string }>>, essentials: Record<string, unknown> = {}) =>
    JSON.stringify({
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: { alertId: "a", alertRule: "r", monitorCondition: "Fired", signalType: "Log", ...essentials },
        alertContext: { condition: { allOf: dimensions.map((d) => ({ dimensions: d })) } },
      },
    });

  it("120 VMs named by Computer dimension are refused like 120 named by resource ID: before any lookup", () => {
    const computers = Array.from({ length: 120 }, (_, i) => [{ name: "Computer", value: `host-${i}` }]);
    expect(codeOf(() => parseAlertBody(logAlert(computers)))).toBe("too-many-targets");
    const ids = Array.from({ length: 120 }, (_, i) => [{ name: "_ResourceId", value: vmId(`vm-${i}`) }]);
    expect(codeOf(() => parseAlertBody(logAlert(ids)))).toBe("too-many-targets");
  });

  it("the cap counts resource IDs and computer names together, and lets exactly 100 through", () => {
    const mixed = (ids: number, names: number) => [
      ...Array.from({ length: ids }, (_, i) => [{ name: "_ResourceId", value: vmId(`vm-${i}`) }]),
      ...Array.from({ length: names }, (_, i) => [{ name: "Computer", value: `host-${i}` }]),
    ];
    expect(codeOf(() => parseAlertBody(logAlert(mixed(60, 41))))).toBe("too-many-targets");
    const ok = parseAlertBody(logAlert(mixed(60, 40)));
    expect(ok.vms.length + ok.computerNames.length).toBe(100);
  });

  it("an alert ID and a rule name of any length come back bounded, distinct, and start as they did", () => {
    const long = `/subscriptions/${SUB}/providers/Microsoft.AlertsManagement/alerts/${"a".repeat(2000)}`;
    const alert = parseAlertBody(logAlert([[{ name: "_ResourceId", value: vmId("vm-1") }]], { alertId: long, alertRule: "r".repeat(5000) }));
    expect(alert.alertId.length).toBe(MAX_ALERT_ID_CHARS);
    expect(alert.alertId.startsWith(long.slice(0, 400))).toBe(true);
    expect(alert.alertRule.length).toBe(MAX_ALERT_RULE_CHARS);
    const other = parseAlertBody(logAlert([[{ name: "_ResourceId", value: vmId("vm-1") }]], { alertId: `${long}b` }));
    expect(other.alertId).not.toBe(alert.alertId);
    // Values within the bound are kept exactly.
    expect(bounded("x".repeat(MAX_ALERT_ID_CHARS), MAX_ALERT_ID_CHARS)).toBe("x".repeat(MAX_ALERT_ID_CHARS));
    // A cut never ends inside a surrogate pair.
    const emoji = bounded("\u{1F600}".repeat(400), 100);
    expect(emoji.length).toBeLessThanOrEqual(100);
    expect(/[\uD800-\uDBFF]…/.test(emoji)).toBe(false);
  });

  it("alert keys are short, stable and distinct", () => {
    expect(alertKey("a")).toMatch(/^[0-9a-f]{16}$/);
    expect(alertKey("a")).toBe(alertKey("a"));
    expect(alertKey("a")).not.toBe(alertKey("b"));
  });

  it("duplicate keys in an alert are refused", () => {
    expect(codeOf(() => parseAlertBody('{"schemaId":"azureMonitorCommonAlertSchema","schemaId":"x","data":{}}'))).toBe("duplicate-key");
  });
});
