import * as df from "durable-functions";
import { SWEEP, sweep } from "../orchestrations/sweep";
import { SWEEP_BATCH, sweepBatch } from "../orchestrations/sweep-batch";

df.app.orchestration(SWEEP, sweep);
df.app.orchestration(SWEEP_BATCH, sweepBatch);
