import { afterAll } from "vitest";
import { describeTelemetryConformance } from "../conformance/conformance.js";
import { deleteTestStreams, natsCoreHarness, natsJetStreamHarness, natsTelemetryHarness } from "./harness.js";

afterAll(deleteTestStreams);

describeTelemetryConformance(natsCoreHarness, natsTelemetryHarness);
describeTelemetryConformance(natsJetStreamHarness, natsTelemetryHarness);
