import { describeConformance } from "../conformance/conformance.js";
import { mqttHarness } from "./harness.js";

// The shared suites against the real Mosquitto server.
describeConformance(mqttHarness);
