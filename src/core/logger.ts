/** The logger handlers and adapters write to. Any console-like or pino-like object fits. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * `POSTLINE_LOG_LEVEL` (set by `postline run --log-level`) overrides the level of every console logger, so the
 * loggers that brokers and apps create for themselves follow the command line.
 */
function levelFromEnvironment(): LogLevel | undefined {
  const value = typeof process === "undefined" ? undefined : process.env.POSTLINE_LOG_LEVEL;
  return value !== undefined && Object.hasOwn(order, value) ? (value as LogLevel) : undefined;
}

/** Writes `level message {fields}` lines to stderr, below the level nothing. */
export function consoleLogger(chosen: LogLevel = "info", prefix = "postline"): Logger {
  const level = levelFromEnvironment() ?? chosen;
  const write = (at: Exclude<LogLevel, "silent">) => (message: string, fields?: Record<string, unknown>) => {
    if (order[at] < order[level]) return;
    const extra = fields === undefined ? "" : ` ${safeJson(fields)}`;
    process.stderr.write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${prefix}: ${message}${extra}\n`);
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message } : value,
    );
  } catch {
    return "[unserialisable fields]";
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
