// What a service reads from its environment besides the OTEL_* variables (those are the SDK's business).
import type { SemconvMode } from "postline/opentelemetry";
import { brokerNames, isBrokerName, type BrokerName } from "./brokers.js";

export interface ServiceConfig {
  /** `MONITORING_BROKER` (default rabbit). */
  readonly broker: BrokerName;
  /** `POSTLINE_SEMCONV`: `current` (default) or `faststream` span names and attributes. */
  readonly semconv: SemconvMode;
  readonly destinations: Destinations;
}

export interface Destinations {
  readonly orders: string;
  readonly trades: string;
  readonly notifications: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function readServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const broker = env.MONITORING_BROKER || "rabbit";
  if (!isBrokerName(broker)) throw new ConfigError(`MONITORING_BROKER=${broker} is not one of ${brokerNames.join(", ")}`);
  const semconv = env.POSTLINE_SEMCONV || "current";
  if (semconv !== "current" && semconv !== "faststream") throw new ConfigError(`POSTLINE_SEMCONV=${semconv} is not current or faststream`);
  // A prefix lets two copies of the example share one broker without taking each other's messages.
  const prefix = env.MONITORING_PREFIX ?? "";
  return {
    broker,
    semconv,
    destinations: { orders: `${prefix}orders`, trades: `${prefix}trades`, notifications: `${prefix}notifications` },
  };
}

/** A whole number from the environment, or `fallback` when unset or empty. */
export function numberFromEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name}=${raw} is not a whole number ≥ 0`);
  return value;
}
