/**
 * What a verified token grants: the app roles, the principal, the local-development identity, and four eyes. The
 * expected principals come from the claims Entra documents for access tokens (oid, upn / preferred_username,
 * appid / azp, scp, roles), not from the code.
 */
import { describe, expect, it } from "vitest";
import { actorOf, HUMAN_ROLES, localPrincipal, MAX_CLAIM_CHARS, MAX_ROLES, mayDecide, principalOf, ROLES, type AppRole } from "../../../src/auth/policy";

const OID = "0F1E2D3C-4B5A-4968-8778-695A4B3C2D1E";
const user = (extra: Record<string, unknown> = {}) => ({ oid: OID, upn: "olivia@contoso.com", scp: "user_impersonation", roles: ["Operator"], ...extra });

describe("principalOf", () => {
  it("a person's v1 token: kind user, the object ID (lower case) as id, the UPN as name, the known roles", () => {
    expect(principalOf(user(), ROLES.operator)).toEqual({
      ok: true,
      principal: { kind: "user", id: OID.toLowerCase(), name: "olivia@contoso.com", roles: ["Operator"] },
    });
  });

  it("names: preferred_username (v2), then upn, unique_name, email; an app's own token names its client ID", () => {
    const named = (claims: Record<string, unknown>) => {
      const result = principalOf({ oid: OID, roles: ["Operator"], ...claims }, ROLES.operator);
      return result.ok ? `${result.principal.kind}:${result.principal.name}` : result.code;
    };
    expect(named({ preferred_username: "p@contoso.com", upn: "u@contoso.com" })).toBe("user:p@contoso.com");
    expect(named({ upn: "u@contoso.com", unique_name: "n@contoso.com" })).toBe("user:u@contoso.com");
    expect(named({ unique_name: "n@contoso.com", email: "e@contoso.com" })).toBe("user:n@contoso.com");
    expect(named({ email: "e@contoso.com" })).toBe("user:e@contoso.com");
    expect(named({ preferred_username: "  ", upn: " u@contoso.com " })).toBe("user:u@contoso.com");
    expect(named({ appid: "11111111-2222-4333-8444-555555555555" })).toBe("app:11111111-2222-4333-8444-555555555555");
    expect(named({ azp: "11111111-2222-4333-8444-555555555555" })).toBe("app:11111111-2222-4333-8444-555555555555");
    expect(named({ appid: "a", scp: "user_impersonation" })).toBe("user:a");
    expect(named({})).toBe(`app:${OID}`);
  });

  it("only the app's own roles count, each once; a token without the route's role is token-role", () => {
    const result = principalOf(user({ roles: ["Operator", "Operator", "Global Administrator", "Approver"] }), ROLES.approver);
    expect(result.ok && result.principal.roles).toEqual(["Operator", "Approver"]);
    for (const roles of [undefined, [], ["Reader"], ["operator"], ["Approver"]]) {
      const refused = principalOf(user({ roles }), ROLES.operator);
      expect(refused, JSON.stringify(roles)).toMatchObject({ ok: false, code: "token-role" });
    }
  });

  it("the alert sender's role is never a human role", () => {
    expect(HUMAN_ROLES).not.toContain(ROLES.alertSender);
    expect(principalOf(user({ roles: ["ActionGroupsSecureWebhook"] }), ROLES.operator)).toMatchObject({ ok: false, code: "token-role" });
  });

  it.each([
    ["roles not a list", { roles: "Operator" }],
    ["roles with a non-string", { roles: ["Operator", 7] }],
    [`more than ${MAX_ROLES} roles`, { roles: [...Array.from({ length: MAX_ROLES }, (_, i) => `r${i}`), "Operator"] }],
    ["a role over the claim bound", { roles: ["Operator", "x".repeat(MAX_CLAIM_CHARS + 1)] }],
    ["no oid", { oid: undefined }],
    ["an oid that is no GUID", { oid: "olivia" }],
    ["a name over the bound", { upn: `${"o".repeat(MAX_CLAIM_CHARS)}@contoso.com` }],
    ["a name with a line break", { upn: "olivia@contoso.com\n[Info] approved" }],
    ["a name with a bidi override", { upn: "olivia\u202e@contoso.com" }],
    ["a name with a zero-width joiner", { upn: "oli\u200dvia@contoso.com" }],
  ])("refuses %s as token-malformed", (_name, extra) => {
    expect(principalOf(user(extra), ROLES.operator)).toMatchObject({ ok: false, code: "token-malformed" });
  });

  it("says why: the messages a caller gets", () => {
    const message = (claims: Record<string, unknown>, role: AppRole = ROLES.operator) => {
      const result = principalOf(claims, role);
      return result.ok ? "ok" : result.message;
    };
    expect(message(user({ roles: "Operator" }))).toBe(`the token's roles claim is not a list of at most ${MAX_ROLES} role names`);
    expect(message(user({ roles: ["Operator"] }), ROLES.approver)).toBe('the token does not carry the app role "Approver"');
    expect(message(user({ oid: undefined }))).toBe("the token carries no object ID (oid): the caller cannot be identified");
    expect(message(user({ upn: "a\nb" }))).toBe("the token's user name is not a printable name");
  });

  it("claims of the wrong JSON type are refused, never coerced", () => {
    // An object with a length, an oid given as a list holding a GUID, a GUID with something around it.
    expect(principalOf(user({ roles: ["Operator", { length: 1 }] }), ROLES.operator)).toMatchObject({ ok: false, code: "token-malformed" });
    expect(principalOf(user({ oid: [OID] }), ROLES.operator)).toMatchObject({ ok: false, code: "token-malformed" });
    expect(principalOf(user({ oid: `x${OID}` }), ROLES.operator)).toMatchObject({ ok: false, code: "token-malformed" });
    expect(principalOf(user({ oid: `${OID}x` }), ROLES.operator)).toMatchObject({ ok: false, code: "token-malformed" });
    expect(principalOf(user({ upn: 42, appid: "app-1" }), ROLES.operator)).toMatchObject({ ok: true, principal: { kind: "user", name: "app-1" } });
  });

  it("exactly at the bounds is accepted", () => {
    const roles = [...Array.from({ length: MAX_ROLES - 1 }, (_, i) => `r${i}`), "Operator"];
    expect(principalOf(user({ roles }), ROLES.operator).ok).toBe(true);
    expect(principalOf(user({ roles: ["Operator", "x".repeat(MAX_CLAIM_CHARS)] }), ROLES.operator).ok).toBe(true);
    expect(principalOf(user({ upn: "o".repeat(MAX_CLAIM_CHARS) }), ROLES.operator).ok).toBe(true);
  });
});

describe("localPrincipal (LOCAL_DEVELOPMENT_AUTH)", () => {
  it("declares a name and roles; defaults are local-developer with every human role", () => {
    expect(localPrincipal("Alice.Smith@local", "Approver")).toEqual({
      ok: true,
      principal: { kind: "local", id: "local:alice.smith@local", name: "Alice.Smith@local", roles: ["Approver"] },
    });
    expect(localPrincipal(null, null)).toEqual({ ok: true, principal: { kind: "local", id: "local:local-developer", name: "local-developer", roles: ["Operator", "Approver"] } });
    expect(localPrincipal("  ", " ")).toMatchObject({ ok: true, principal: { name: "local-developer", roles: ["Operator", "Approver"] } });
    expect(localPrincipal(" bob ", "Operator, Operator ,Approver")).toMatchObject({ ok: true, principal: { name: "bob", roles: ["Operator", "Approver"] } });
  });

  it.each([
    ["a name with spaces", "alice smith", null],
    ["a name with a line break", "alice\nadmin", null],
    ["a name starting with a dot", ".alice", null],
    ["a name over 64 characters", "a".repeat(65), null],
    ["the alert sender's role", "alice", "ActionGroupsSecureWebhook"],
    ["an unknown role", "alice", "Operator,Admin"],
  ])("refuses %s", (_name, name, roles) => {
    expect(localPrincipal(name, roles)).toMatchObject({ ok: false, code: "token-malformed" });
  });

  it("says why", () => {
    expect(localPrincipal("a b", null)).toEqual({ ok: false, code: "token-malformed", message: "X-Local-User must be 1-64 letters, digits, '.', '_', '@' or '-'" });
    expect(localPrincipal("a", "Admin")).toEqual({ ok: false, code: "token-malformed", message: "X-Local-Roles may name only Operator and Approver" });
  });

  it("a 64-character name is fine", () => {
    expect(localPrincipal("a".repeat(64), null).ok).toBe(true);
  });
});

describe("four eyes (mayDecide)", () => {
  const olivia = { id: "oid-olivia", name: "olivia@contoso.com" };
  const avery = { id: "oid-avery", name: "avery@contoso.com" };

  it("the identity that started the run may not decide it; anyone else may; a run no person started, anyone", () => {
    const refused = mayDecide(olivia, [olivia], false);
    expect(refused).toEqual({ ok: false, reason: "olivia@contoso.com started this run and may not also decide it (four eyes; ALLOW_SELF_APPROVAL is off)" });
    expect(mayDecide(avery, [olivia], false)).toEqual({ ok: true });
    expect(mayDecide(olivia, [], false)).toEqual({ ok: true });
    expect(mayDecide(olivia, [avery, olivia], false).ok).toBe(false);
  });

  it("identity is the object ID, not the name: a look-alike name does not pass, a renamed person does not escape", () => {
    expect(mayDecide({ id: "oid-olivia", name: "someone else" }, [olivia], false).ok).toBe(false);
    expect(mayDecide({ id: "oid-other", name: "olivia@contoso.com" }, [olivia], false).ok).toBe(true);
  });

  it("ALLOW_SELF_APPROVAL relaxes it", () => {
    expect(mayDecide(olivia, [olivia], true)).toEqual({ ok: true });
  });

  it("actorOf keeps only the identity and the name", () => {
    expect(actorOf({ kind: "user", id: "oid", name: "n", roles: ["Operator"] })).toEqual({ id: "oid", name: "n" });
  });
});
