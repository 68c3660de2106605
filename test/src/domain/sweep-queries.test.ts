import { describe, expect, it } from "vitest";
import { parseScope } from "../../../src/domain/scope";
import { countSymptoms, readSymptomRows, symptomQuery, targetQuery } from "../../../src/domain/sweep-queries";

const VM1 = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1";
const VM2 = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm2";

describe("targetQuery", () => {
  it("a subscription: Windows VMs with power state and tags, ordered for paging", () => {
    const q = targetQuery(parseScope("/subscriptions/00000000-0000-0000-0000-00000000000a"));
    expect(q).toMatch(/^Resources\n/);
    expect(q).toContain("type =~ 'microsoft.compute/virtualmachines'");
    expect(q).toContain("osType) =~ 'Windows'");
    expect(q).toContain("properties.extended.instanceView.powerState.code");
    expect(q).not.toContain("resourceGroup =~");
    expect(q.trim().endsWith("| order by id asc")).toBe(true);
  });

  it("a resource group adds its filter", () => {
    const q = targetQuery(parseScope("/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/RG-RDSH"));
    expect(q).toContain("| where resourceGroup =~ 'rg-rdsh'");
  });
});

describe("symptomQuery", () => {
  it("the licensing events in the window, per VM, by channel and event ID (as the alert)", () => {
    const q = symptomQuery(36);
    expect(q).toContain("ago(36h)");
    expect(q).toContain("(EventLog == 'System' and EventID in (1128, 1130))");
    expect(q).toContain("or (EventLog == 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Admin' and EventID in (1068, 1069))");
    expect(q).not.toContain("Source");
    expect(q).toContain("by _ResourceId = tolower(_ResourceId), EventID");
  });
  it.each([0, -1, 1.5])("refuses %d hours", (h) => expect(() => symptomQuery(h)).toThrow(RangeError));
});

describe("readSymptomRows", () => {
  it("summarised rows (Azure): counts per VM", () => {
    const rows = readSymptomRows(
      ["_ResourceId", "EventID", "Count", "LastSeen"],
      [
        [VM1, 1128, 3, new Date()],
        [VM1.toUpperCase(), 1069, 2, new Date()],
        [VM2, 1130, 1, new Date()],
      ],
    );
    expect(countSymptoms(rows)).toEqual(new Map([[VM1, 5], [VM2, 1]]));
  });

  it("raw Event rows count one each; other events and non-VM resources are ignored", () => {
    const rows = readSymptomRows(
      ["TimeGenerated", "Computer", "EventLog", "EventID", "Source", "RenderedDescription", "_ResourceId"],
      [
        ["t", "vm1", "System", 1128, "s", "d", VM1],
        ["t", "vm1", "System", 1128, "s", "d", VM1],
        ["t", "vm1", "System", 1004, "s", "d", VM1],
        ["t", "ws", "System", 1128, "s", "d", "/subscriptions/x/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/w"],
        ["t", "vm2", "System", "1069", "s", "d", `${VM2}/`],
      ],
    );
    expect(countSymptoms(rows)).toEqual(new Map([[VM1, 2], [VM2, 1]]));
  });

  it("a table without the columns gives nothing", () => {
    expect(readSymptomRows(["Computer", "Count"], [["vm1", 3]])).toEqual([]);
  });
});
