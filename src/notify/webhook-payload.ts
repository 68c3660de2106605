/**
 * The JSON a notification webhook receives. Its top is an Office 365 connector card (title, text, sections of
 * facts, themeColor, an "open" action) that Teams renders as it is; `facts` is repeated at the top level and the
 * run's raw fields follow, so a Logic App or Power Automate flow can route on `reason` or `verdict` without
 * parsing the card.
 */
import { withoutStackTrace } from "../domain/activity-failure";
import type { RunNotification } from "../domain/notification";

export interface Fact {
  name: string;
  value: string;
}

export interface WebhookPayload {
  "@type": "MessageCard";
  "@context": "https://schema.org/extensions";
  summary: string;
  title: string;
  text: string;
  themeColor: string;
  facts: Fact[];
  sections: Array<{ facts: Fact[] }>;
  potentialAction?: Array<{ "@type": "OpenUri"; name: string; targets: Array<{ os: "default"; uri: string }> }>;
  runId: string;
  vmId: string;
  verdict: RunNotification["verdict"];
  reason: RunNotification["reason"];
  statusUrl?: string;
  causes?: string[];
  humanActions?: string[];
  snapshotId?: string;
  startedAt?: string;
  startedBy?: RunNotification["startedBy"];
  decisions?: RunNotification["decisions"];
  approvals?: RunNotification["approvals"];
}

const MAX_SUMMARY_CHARS = 2000;
const MAX_ACTIONS = 20;
const MAX_ACTION_CHARS = 500;

const THEME: Record<RunNotification["reason"], string> = {
  "approval-needed": "FFB900",
  decided: "0078D4",
  "needs-human": "FF8C00",
  failed: "D13438",
};

export function buildWebhookPayload(n: RunNotification): WebhookPayload {
  const vmName = n.vmId.split("/").filter(Boolean).pop() ?? n.vmId;
  const title = {
    "approval-needed": `RDP Medic: approval needed on ${vmName}`,
    decided: `RDP Medic: ${vmName} ${n.verdict} after a person's decision`,
    "needs-human": `RDP Medic: ${vmName} needs a person`,
    failed: `RDP Medic: remediation failed on ${vmName}`,
  }[n.reason];
  const actions = (n.humanActions ?? []).slice(0, MAX_ACTIONS).map((a) => cut(a, MAX_ACTION_CHARS));
  const summary = cut(withoutStackTrace(n.summary), MAX_SUMMARY_CHARS);
  const text = actions.length === 0 ? summary : `${summary}\n\n${actions.map((a) => `- ${a}`).join("\n")}`;

  const facts: Fact[] = [
    { name: "VM", value: n.vmId },
    { name: "Run", value: n.runId },
    { name: "Verdict", value: n.verdict },
  ];
  if (n.causes && n.causes.length > 0) facts.push({ name: "Causes", value: n.causes.join(", ") });
  if (n.snapshotId) facts.push({ name: "Snapshot", value: n.snapshotId });
  if (n.startedAt) facts.push({ name: "Started", value: n.startedAt });
  if (n.startedBy) facts.push({ name: "Started by", value: cut(n.startedBy.name, 256) });
  for (const a of (n.approvals ?? []).slice(0, 5)) facts.push({ name: "Approval for", value: cut(a.detail, MAX_ACTION_CHARS) });
  for (const d of (n.decisions ?? []).slice(0, 5)) {
    const verb = { approved: "Approved by", rejected: "Rejected by", canceled: "Canceled by" }[d.decision];
    facts.push({ name: verb, value: cut(`${d.by.name} at ${d.at}${d.comment ? `: ${d.comment}` : ""}`, MAX_ACTION_CHARS + 300) });
  }

  return {
    "@type": "MessageCard",
    "@context": "https://schema.org/extensions",
    summary: title,
    title,
    text,
    themeColor: THEME[n.reason],
    facts,
    sections: [{ facts }],
    ...(n.statusUrl
      ? { potentialAction: [{ "@type": "OpenUri" as const, name: "Open run status", targets: [{ os: "default" as const, uri: n.statusUrl }] }] }
      : {}),
    runId: n.runId,
    vmId: n.vmId,
    verdict: n.verdict,
    reason: n.reason,
    ...(n.statusUrl ? { statusUrl: n.statusUrl } : {}),
    ...(n.causes ? { causes: [...n.causes] } : {}),
    ...(n.humanActions ? { humanActions: actions } : {}),
    ...(n.snapshotId ? { snapshotId: n.snapshotId } : {}),
    ...(n.startedAt ? { startedAt: n.startedAt } : {}),
    ...(n.startedBy ? { startedBy: n.startedBy } : {}),
    ...(n.decisions && n.decisions.length > 0 ? { decisions: n.decisions.slice(0, 5) } : {}),
    ...(n.approvals && n.approvals.length > 0 ? { approvals: n.approvals.slice(0, 5).map((a) => ({ kind: a.kind, detail: cut(a.detail, MAX_ACTION_CHARS) })) } : {}),
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
