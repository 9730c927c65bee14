// Starting and stopping a node:http server, for the OTLP/HTTP receiver and the page alike.
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  /** The bound port: the one asked for, or the one the system chose for port 0. */
  readonly port: number;
  close(): Promise<void>;
}

export async function listen(server: Server, host: string, port: number): Promise<Listening> {
  server.listen(port, host);
  // `once` rejects on 'error', so a port in use fails the start instead of crashing the process later.
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Browsers keep idle connections open; they would hold close() until their keep-alive expires.
        server.closeIdleConnections();
      }),
  };
}
