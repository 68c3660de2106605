/**
 * Another ARM client on the same VMs (an operator, another tool): it starts a Run Command and, later, polls it
 * to its end. Plain HTTPS against the simulator with a token from the simulator, like any other caller.
 */
import { request } from "node:https";
import type { AzureSimulator } from "../simulator";

const API_VERSION = "2024-07-01";

interface ArmAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

export class OtherClient {
  /** VM ID -> the status URL of the Run Command this client started there. */
  private readonly running = new Map<string, string>();

  constructor(private readonly sim: AzureSimulator) {}

  /**
   * Starts a Run Command on the VM that nobody polls, so it holds the VM's Run Command lock. When the run's own
   * Run Command has just finished its work (`finishing`, the path of its operation), it is observed once more first,
   * so that it ends and frees the lock.
   */
  async occupyRunCommand(vmId: string, finishing?: string): Promise<void> {
    if (finishing !== undefined && this.sim.getVm(vmId)?.runCommandInProgress) await this.call("GET", finishing);
    const answer = await this.call("POST", `${vmId}/runCommand`, {
      commandId: "RunPowerShellScript",
      script: ["Get-Service -Name TermService | Format-List *"],
    });
    const status = header(answer, "azure-asyncoperation");
    if (answer.status !== 202 || status === undefined) throw new Error(`the other client's Run Command on ${vmId} was not accepted (HTTP ${answer.status})`);
    this.running.set(vmId.toLowerCase(), status);
  }

  /** Polls the other Run Command until the simulator ends it; the VM's Run Command lock is then free. */
  async releaseRunCommand(vmId: string): Promise<void> {
    const url = this.running.get(vmId.toLowerCase());
    if (url === undefined) throw new Error(`the other client holds no Run Command on ${vmId}`);
    for (let i = 0; i < 10 && this.sim.getVm(vmId)?.runCommandInProgress; i++) await this.call("GET", url);
    if (this.sim.getVm(vmId)?.runCommandInProgress) throw new Error(`the other client's Run Command on ${vmId} did not end`);
    this.running.delete(vmId.toLowerCase());
  }

  private async call(method: "GET" | "POST", pathOrUrl: string, body?: unknown): Promise<ArmAnswer> {
    const url = new URL(pathOrUrl, this.sim.armEndpoint);
    if (!url.searchParams.has("api-version")) url.searchParams.set("api-version", API_VERSION);
    const { token } = await this.sim.tokenCredential.getToken("https://management.azure.com/.default");
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.sim.caCertPem,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }
}

function header(answer: ArmAnswer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
