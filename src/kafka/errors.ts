import { PostlineError } from "../core/index.js";

/** The cluster could not be reached, or refused what the adapter asked (the message names the servers; the client's error is the cause). */
export class KafkaError extends PostlineError {}
