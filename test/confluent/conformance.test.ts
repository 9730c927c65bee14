import { afterAll } from "vitest";
import { describeConformance } from "../conformance/conformance.js";
import { confluentHarness, deleteRunTopics } from "./harness.js";

// The shared suites against the real Kafka (scripts/kafka.sh) through librdkafka.
describeConformance(confluentHarness);

afterAll(deleteRunTopics, 30_000);
