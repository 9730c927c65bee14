// What every `postline` command is to the entry point: a name, a line for the overall help, and a run
// function given its own arguments. Each command lives in its own module, loaded only when it is run.

export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandModule {
  /** Resolves with the exit code, when the command is done (a server: when it has been stopped). */
  run(argv: readonly string[], output: CliOutput, signal: AbortSignal): Promise<number>;
  readonly usage: string;
}

export interface CommandEntry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}
