import { describe, expect, it } from "vitest";
import { analyzeQuery } from "../../../local/simulator/kql/language";
import { EVENT_TABLE, RESOURCES_TABLE } from "../../../local/simulator/kql/tables";
import { parseScope } from "../../../src/domain/scope";
import { symptomQuery, targetQuery } from "../../../src/domain/sweep-queries";
import { deployedRole } from "../../e2e/harness";

// Every KQL the project ships parses and binds with Microsoft's Kusto language service against the tables it runs
// on: the sweep's Log Analytics and Resource Graph queries, and the alert rule's query from the compiled template.

const bind = (query: string, table: typeof EVENT_TABLE) => {
  const analyzed = analyzeQuery(query, [table]);
  return { errors: analyzed.diagnostics.map((d) => `${d.code} at ${d.line}:${d.column}: ${d.message}`), columns: analyzed.columns?.map((c) => c.name) ?? [] };
};

describe("the shipped KQL binds", () => {
  it.each([1, 24, 168])("the sweep's symptom query (%d h) on Event, with the columns the app reads", (hours) => {
    const { errors, columns } = bind(symptomQuery(hours), EVENT_TABLE);
    expect(errors).toEqual([]);
    expect(columns).toEqual(["_ResourceId", "EventID", "Count", "LastSeen"]);
  });

  it.each(["/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10", "/subscriptions/6e0f3c54-1b6e-4a3b-9d2f-2f1c8b7a9e10/resourceGroups/rg-rdsh.(test)"])(
    "the sweep's target query for %s on Resources, with the columns the app reads",
    (scope) => {
      const { errors, columns } = bind(targetQuery(parseScope(scope)), RESOURCES_TABLE);
      expect(errors).toEqual([]);
      expect(columns).toEqual(["id", "osType", "powerState", "tags"]);
    },
  );

  const role = deployedRole(false);
  it.skipIf(!role)("every alert rule of the compiled template: its query on Event, with the dimensions it splits by among the columns", () => {
    expect(role!.alertRules.length).toBeGreaterThan(0);
    for (const rule of role!.alertRules) {
      const { errors, columns } = bind(rule.query, EVENT_TABLE);
      expect(errors, rule.query).toEqual([]);
      for (const dimension of rule.dimensions) expect(columns, `dimension ${dimension}`).toContain(dimension);
    }
  });

  it("and a query that does not bind is caught (the check can fail)", () => {
    expect(bind("Event | where EventId == 1128", EVENT_TABLE).errors[0]).toMatch(/^KS142 at 1:15: The name 'EventId' does not refer/);
    expect(bind("Resources | where tostring(propertie.x) == 'a'", RESOURCES_TABLE).errors).not.toEqual([]);
    expect(bind("Event | summarize count() by", EVENT_TABLE).errors).not.toEqual([]);
  });
});
