import { PostlineError } from "../core/index.js";

/** A NATS or JetStream failure that Postline's own errors do not cover (unreachable server, JetStream off). */
export class NatsError extends PostlineError {}
