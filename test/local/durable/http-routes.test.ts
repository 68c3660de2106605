import { describe, expect, it } from "vitest";
import { fillRoute, matchRoute, parseRouteTemplate } from "../../../local/durable/http-routes";

describe("route templates", () => {
  it("match literals case-insensitively and decode parameters", () => {
    const route = parseRouteTemplate("remediations/{id}/approve");
    expect(matchRoute(route, "Remediations/vm%2Fone/APPROVE")).toEqual({ id: "vm/one" });
    expect(matchRoute(route, "remediations/x")).toBeUndefined();
    expect(matchRoute(route, "remediations/x/approve/extra")).toBeUndefined();
  });

  it("pass a malformed escape on as it is instead of failing", () => {
    expect(matchRoute(parseRouteTemplate("remediations/{id}"), "remediations/%C0%AE")).toEqual({ id: "%C0%AE" });
    expect(matchRoute(parseRouteTemplate("files/{*rest}"), "files/a/%u002e")).toEqual({ rest: "a/%u002e" });
  });

  it("handle optional, constrained and catch-all parameters", () => {
    expect(matchRoute(parseRouteTemplate("runs/{id?}"), "runs")).toEqual({});
    expect(matchRoute(parseRouteTemplate("runs/{n:int}"), "runs/12")).toEqual({ n: "12" });
    expect(matchRoute(parseRouteTemplate("runs/{n:int}"), "runs/twelve")).toBeUndefined();
    expect(matchRoute(parseRouteTemplate("files/{*rest}"), "files/a/b%20c")).toEqual({ rest: "a/b c" });
  });

  it("fill a template from route values", () => {
    expect(fillRoute(parseRouteTemplate("jobs/{id}/finish"), { id: "a b" })).toBe("jobs/a%20b/finish");
  });
});
