import { MissingPeerDependencyError } from "./errors.js";

/**
 * Loads an optional peer dependency (a broker client), turning "module not found" into an error that says
 * what to install. Adapters call it at the top of their client module:
 *
 *     import type * as Amqp from "amqplib";
 *     const amqp = await loadPeer<typeof Amqp>("amqplib", "postline/rabbit");
 */
export async function loadPeer<Module>(packageName: string, feature: string): Promise<Module> {
  try {
    return (await import(packageName)) as Module;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") {
      throw new MissingPeerDependencyError(packageName, feature, { cause: error });
    }
    throw error;
  }
}
