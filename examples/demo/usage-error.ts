/** A mistake in the command line or the environment: reported with the valid choices, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
