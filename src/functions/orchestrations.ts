import * as df from "durable-functions";
import { REMEDIATE_VM, remediateVm } from "../orchestrations/remediate-vm";

df.app.orchestration(REMEDIATE_VM, remediateVm);
