// The `postline` commands. `run` and `docs gen/serve` join this table as modules of their own.
import type { CommandEntry } from "./command.js";

export const commands: Readonly<Record<string, CommandEntry>> = {
  traces: {
    summary: "a local OTLP receiver (HTTP and gRPC) with a trace viewer page",
    load: () => import("./traces/command.js"),
  },
};
