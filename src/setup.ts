import { app } from "@azure/functions";
import { loadConfig } from "./config";

// Settings are validated before any function registers: a missing or malformed one stops the app at start,
// with a message naming the setting and an example.
loadConfig();

app.setup({ enableHttpStream: false });
