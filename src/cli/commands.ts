// The `postline` commands, each a module of its own loaded only when it runs.
import type { CommandEntry } from "./command.js";

export const commands: Readonly<Record<string, CommandEntry>> = {
  run: {
    summary: "run the App (or broker) a module exports; --workers, --reload",
    load: () => import("./run/command.js"),
  },
  docs: {
    summary: "AsyncAPI 3.0 documentation of a module's App: docs gen (JSON/YAML), docs serve (a page)",
    load: () => import("./docs/command.js"),
  },
  traces: {
    summary: "a local OTLP receiver (HTTP and gRPC) with a trace viewer page",
    load: () => import("./traces/command.js"),
  },
};
