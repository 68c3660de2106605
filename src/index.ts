// Order matters: setup validates the settings and configures the app before the functions register.
import "./setup";
import "./functions/orchestrations";
import "./functions/entities";
import "./functions/activities";
import "./functions/http-alerts";
import "./functions/http-remediations";
import "./functions/http-run-decisions";
import "./functions/sweep-orchestrations";
import "./functions/sweep-activities";
import "./functions/http-sweeps";
import "./functions/sweep-timer";
import "./functions/timer-snapshot-expiry";
