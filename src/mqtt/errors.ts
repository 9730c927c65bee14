import { PostlineError } from "../core/index.js";

/** The MQTT server could not be reached, refused the connection, or did not answer in time. */
export class MqttConnectionError extends PostlineError {
  readonly url: string;
  constructor(url: string, reason: string, options?: ErrorOptions) {
    super(`Could not connect to the MQTT broker at ${url}: ${reason}`, options);
    this.url = url;
  }
}
