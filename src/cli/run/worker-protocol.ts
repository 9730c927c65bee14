// What the supervisor tells a worker process (an environment variable, read once at start) and what the
// worker tells the supervisor (IPC messages).

export const WORKER_SPEC_VARIABLE = "POSTLINE_RUN_WORKER";
/** The worker's number, 1 to N: apps read it to pick a metrics port or a log file per worker. */
export const WORKER_ID_VARIABLE = "POSTLINE_WORKER";

export interface WorkerSpec {
  readonly file: string;
  readonly exportName: string;
  readonly appArgs: readonly string[];
}

export type WorkerMessage = { readonly type: "started" } | { readonly type: "failed"; readonly message: string };

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === "started" || type === "failed";
}
