import { afterAll } from "vitest";
import { describeConformance } from "../conformance/conformance.js";
import { deleteTestStreams, natsCoreHarness, natsJetStreamHarness } from "./harness.js";

afterAll(deleteTestStreams);

// Both kinds of subscription: core subjects (at-most-once: the redelivery tests are skipped by capability) and
// JetStream (every subscriber on a stream; acks, naks and redelivery apply).
describeConformance(natsCoreHarness);
describeConformance(natsJetStreamHarness);
