// The notification service's process.
import { startTelemetry } from "../shared/telemetry.js";
import { runService } from "../shared/run-service.js";
import { notificationService } from "./service.js";

await runService(notificationService(startTelemetry("notification")));
