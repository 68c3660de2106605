import * as df from "durable-functions";
import { REMEDIATION_SLOTS, remediationSlots } from "../entities/remediation-slots";

df.app.entity(REMEDIATION_SLOTS, remediationSlots);
