// The two ways a command fails on purpose. Both are printed as their message alone, without a stack: the
// user did nothing a stack would explain.

/** Wrong arguments: printed with the command's usage, exit code 2 (as parseArgs-style tools do). */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The command could not do its job (a port in use, a package missing): exit code 1. */
export class CommandError extends Error {
  override readonly name = "CommandError";
}
