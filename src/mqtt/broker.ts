import { randomUUID } from "node:crypto";
import type { IClientOptions } from "mqtt";
import { Broker, FeatureNotSupportedError, Router, type Logger, type Middleware, type RouterOptions } from "../core/index.js";
import { validateSubscription, validateBrokerOptions, type MqttBrokerOptions, type MqttPublishOptions, type MqttSubscribeOptions } from "./options.js";
import { serverOf, type MqttServer } from "./telemetry.js";
import { MqttTransport } from "./transport.js";

/** Broker-branded middlewares are the telemetry middlewares; they need MQTT 5 user properties. */
function refuseOnLegacy(middleware: Middleware<string>): void {
  if (middleware.broker === undefined) return;
  throw new FeatureNotSupportedError(
    `${middleware.constructor.name} does not work on MQTT 3.1.1 (protocolVersion 4): 3.1.1 has no user properties to carry the trace context. ` +
      "Use protocolVersion 5 (the default), or remove the telemetry middleware.",
  );
}

/** Whoever includes a router learns about the telemetry middlewares inside it (routers nest). */
const carry = Symbol("postline.mqtt.carry");

interface Carrier {
  [carry](middleware: Middleware<string>): void;
}

function isCarrier(value: unknown): value is Carrier {
  return typeof (value as Partial<Carrier> | undefined)?.[carry] === "function";
}

/** MQTT 5 (or 3.1.1) over mqtt.js: topics with `+`/`#`, QoS 0–2, shared subscriptions as `group`. */
export class MqttBroker extends Broker<"mqtt", MqttSubscribeOptions, MqttPublishOptions> {
  // Assigned after super(): the base constructor checks the broker's own middlewares before these exist,
  // which is why the constructor checks them itself first.
  declare readonly protocolVersion: 4 | 5;
  declare readonly server: MqttServer;

  constructor(options: MqttBrokerOptions = {}) {
    validateBrokerOptions(options);
    const protocolVersion = options.protocolVersion ?? 5;
    if (protocolVersion === 4) for (const middleware of options.middlewares ?? []) refuseOnLegacy(middleware);
    const url = options.url ?? "mqtt://127.0.0.1:1883";
    const clientOptions: IClientOptions = {
      ...options.clientOptions,
      protocolVersion,
      clientId: options.clientId ?? `postline-${randomUUID().slice(0, 12)}`,
      clean: true,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
    };
    const log: { to?: Logger } = {};
    const transport = new MqttTransport({
      url,
      protocolVersion,
      clientOptions,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      reconnectPeriodMs: options.reconnectPeriodMs ?? 1_000,
      qos: options.qos ?? 1,
      log,
    });
    super("mqtt", transport, options, validateSubscription);
    log.to = this.logger;
    this.protocolVersion = protocolVersion;
    this.server = serverOf(url);
    for (const middleware of options.middlewares ?? []) this[carry](middleware);
  }

  override include(router: Router<"mqtt", MqttSubscribeOptions, MqttPublishOptions>): this {
    if (router instanceof MqttRouter) for (const middleware of router.carried) this[carry](middleware);
    return super.include(router);
  }

  protected override checkMiddleware(middleware: Middleware<string>): void {
    super.checkMiddleware(middleware);
    // Unset only while the base constructor runs; the constructor covers that case.
    if ((this as { server?: MqttServer }).server !== undefined) this[carry](middleware);
  }

  [carry](middleware: Middleware<string>): void {
    if (this.protocolVersion === 4) refuseOnLegacy(middleware);
  }
}

/**
 * A group of MQTT subscribers and publishers. It remembers the broker-branded (telemetry) middlewares it and
 * its nested routers carry, so that an MQTT 3.1.1 broker can refuse them when the router is included, and
 * tells its parent about ones added later.
 */
export class MqttRouter extends Router<"mqtt", MqttSubscribeOptions, MqttPublishOptions> {
  // Filled while the base constructor runs (it checks the router's middlewares), hence no initializer.
  declare private carriedList: Middleware<string>[] | undefined;

  constructor(options: RouterOptions<"mqtt"> = {}) {
    super("mqtt", options, validateSubscription);
  }

  /** The broker-branded middlewares of this router, its subscribers, publishers and nested routers. */
  get carried(): readonly Middleware<string>[] {
    return this.carriedList ?? [];
  }

  override include(router: Router<"mqtt", MqttSubscribeOptions, MqttPublishOptions>): this {
    if (router instanceof MqttRouter) for (const middleware of router.carried) this[carry](middleware);
    return super.include(router);
  }

  protected override checkMiddleware(middleware: Middleware<string>): void {
    super.checkMiddleware(middleware);
    this[carry](middleware);
  }

  [carry](middleware: Middleware<string>): void {
    if (middleware.broker === undefined) return;
    const parent = this.includedIn();
    if (isCarrier(parent)) parent[carry](middleware);
    (this.carriedList ??= []).push(middleware);
  }
}
