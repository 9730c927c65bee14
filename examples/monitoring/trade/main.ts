// The trade service's process.
import { startTelemetry } from "../shared/telemetry.js";
import { runService } from "../shared/run-service.js";
import { tradeService } from "./service.js";

await runService(tradeService(startTelemetry("trade")));
