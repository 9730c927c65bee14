// What the document needs to know about one kind of broker: how its server is described, where its messages
// carry the correlation id and reply address, and how a subscription or a publisher's options become a
// channel address with bindings. One file per broker kind beside this one.
import type { Bindings } from "../document.js";

export interface ServerFacts {
  readonly protocol: string;
  readonly protocolVersion?: string;
  readonly host: string;
  readonly pathname?: string;
}

/** A channel as one subscription or publisher sees it; equal shapes share one channel in the document. */
export interface ChannelShape {
  readonly address: string;
  readonly description?: string;
  readonly bindings?: Bindings;
  /** Bindings of the operation (a consumer group, a QoS, an acknowledgement mode). */
  readonly operationBindings?: Bindings;
}

export interface BrokerProfile {
  /** Undefined for the in-process broker, which has no server to describe. */
  server(broker: object): ServerFacts | undefined;
  /** AsyncAPI runtime expressions: where a message of this broker carries them. */
  readonly correlationIdLocation: string;
  readonly replyToLocation: string;
  subscription(destination: string, options: Readonly<Record<string, unknown>>): ChannelShape;
  publication(destination: string, options: Readonly<Record<string, unknown>>): ChannelShape;
}

/** The server address a transport reports (`host:port`), read from a broker without importing its adapter. */
export function transportServer(broker: object): { address: string; port?: number | undefined } | undefined {
  try {
    return (broker as { runtime(): { transport: { server?: { address: string; port?: number | undefined } } } }).runtime().transport.server;
  } catch {
    return undefined;
  }
}

export function hostOf(broker: object, defaultPort: number): string {
  const server = transportServer(broker);
  if (server === undefined) return `localhost:${defaultPort}`;
  const host = server.address.includes(":") ? `[${server.address}]` : server.address;
  return `${host}:${server.port ?? defaultPort}`;
}

/** Where Postline's envelope headers carry them on every broker that has free-form headers (all but MQTT). */
export const envelopeHeaders = {
  correlationIdLocation: "$message.header#/correlation_id",
  replyToLocation: "$message.header#/reply_to",
} as const;

/** `server()` for a broker whose transport reports a host and port: the protocol, and the port when none is said. */
export function serverAt(protocol: string, defaultPort: number): BrokerProfile["server"] {
  return (broker) => (transportServer(broker) === undefined ? undefined : { protocol, host: hostOf(broker, defaultPort) });
}

/** Drops undefined values, so that bindings carry only what the options say. */
export function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
