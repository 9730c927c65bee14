import { afterAll } from "vitest";
import { describeConformance } from "../conformance/conformance.js";
import { cleanupRun, rabbitHarness } from "./harness.js";

afterAll(cleanupRun);

// The shared suites against the RabbitMQ server on this machine.
describeConformance(rabbitHarness);
