import type { ServerAddress } from "./message.js";

/**
 * `host`, `host:port`, `[ipv6]:port` or a URL (`amqp://user:pass@host:5672/vhost`) → the server address and
 * port telemetry reports. Unparseable input gives the input itself as the address, never an error: this only
 * feeds attributes.
 */
export function parseServer(value: string, defaultPort: number): ServerAddress {
  const text = value.trim();
  if (text.includes("://")) {
    try {
      const url = new URL(text);
      return { address: url.hostname.replace(/^\[|\]$/g, ""), port: url.port === "" ? defaultPort : Number(url.port) };
    } catch {
      return { address: text, port: defaultPort };
    }
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed !== null) return { address: bracketed[1]!, port: bracketed[2] === undefined ? defaultPort : Number(bracketed[2]) };
  const colon = text.lastIndexOf(":");
  if (colon > 0 && text.indexOf(":") === colon && /^\d+$/.test(text.slice(colon + 1))) {
    return { address: text.slice(0, colon), port: Number(text.slice(colon + 1)) };
  }
  return { address: text, port: defaultPort };
}
