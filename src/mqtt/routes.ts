import type { IPublishPacket, MqttClient } from "mqtt";
import type { DeliveryQueue, IncomingMessage } from "../core/index.js";
import { toIncoming } from "./message.js";
import { topicMatches, type MqttQos } from "./options.js";

/** One Postline subscriber behind a server subscription: core's queue, bounded by `maxPending` (acknowledged on receipt). */
export type Member = DeliveryQueue<IncomingMessage<IPublishPacket>>;

/**
 * One server subscription (a topic filter, or `$share/<group>/<filter>`) and the local subscribers behind it.
 * A client holds each filter once, so several local subscribers share it: without a group each gets every
 * message (fan-out), in a group they take turns (the server already split the messages between clients).
 */
export class Route {
  readonly members: Member[] = [];
  #next = 0;

  constructor(
    readonly filter: string,
    readonly id: number,
    readonly shared: boolean,
    public qos: MqttQos,
    /** Resolves once the server confirmed the subscription (at this QoS). */
    public ready: Promise<void>,
  ) {}

  deliver(message: IncomingMessage<IPublishPacket>): void {
    if (!this.shared) {
      for (const member of this.members) member.push(message);
      return;
    }
    const member = this.members[this.#next % this.members.length];
    this.#next = (this.#next + 1) % Math.max(this.members.length, 1);
    member?.push(message);
  }
}

/**
 * The server subscriptions of one connection, each tagged with an MQTT 5 subscription identifier so that
 * overlapping filters route exactly; MQTT 3.1.1 has none, so there a topic is matched against every filter.
 */
export class Routes {
  readonly #byFilter = new Map<string, Route>();
  readonly #byId = new Map<number, Route>();
  #nextId = 1;

  constructor(private readonly protocolVersion: 4 | 5) {}

  /** The route of `filter`, subscribed with the server when new, or again when a subscriber needs a higher QoS. */
  open(client: MqttClient, filter: string, destination: string, shared: boolean, qos: MqttQos): Route {
    let route = this.#byFilter.get(filter);
    if (route !== undefined && route.qos >= qos) return route;
    const id = route?.id ?? this.#nextId++;
    const properties = this.protocolVersion === 5 ? { properties: { subscriptionIdentifier: id } } : {};
    const ready = client.subscribeAsync(filter, { qos, ...properties }).then(() => undefined);
    if (route === undefined) {
      route = new Route(destination, id, shared, qos, ready);
      this.#byFilter.set(filter, route);
      this.#byId.set(id, route);
    } else {
      route.qos = qos;
      route.ready = ready;
    }
    return route;
  }

  /** Forgets the route if it is still the one of its filter; true then (the server subscription may go). */
  forget(filter: string, route: Route): boolean {
    if (this.#byFilter.get(filter) !== route) return false;
    this.#byFilter.delete(filter);
    this.#byId.delete(route.id);
    return true;
  }

  deliver(packet: IPublishPacket): void {
    const message = toIncoming(packet);
    const ids = packet.properties?.subscriptionIdentifier;
    if (this.protocolVersion === 5 && ids !== undefined) {
      for (const id of Array.isArray(ids) ? ids : [ids]) this.#byId.get(id)?.deliver(message);
      return;
    }
    for (const route of this.#byFilter.values()) if (topicMatches(route.filter, packet.topic)) route.deliver(message);
  }

  clear(): void {
    this.#byFilter.clear();
    this.#byId.clear();
  }
}
