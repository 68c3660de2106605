import * as df from "durable-functions";
import { REMEDIATION_SLOTS, remediationSlots } from "../entities/remediation-slots";
import { UNRECORDED_RUN, unrecordedRun } from "../entities/unrecorded-run";

df.app.entity(REMEDIATION_SLOTS, remediationSlots);
df.app.entity(UNRECORDED_RUN, unrecordedRun);
