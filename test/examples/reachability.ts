// A test that needs a server fails at once, naming the server and how to start it, when it is not there.
import { connect } from "node:net";

export async function requireTcp(name: string, host: string, port: number, hint: string): Promise<void> {
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
  if (!reachable) throw new Error(`${name} is not reachable on ${host}:${port}; ${hint}`);
}

export async function requireHttp(name: string, url: string, hint: string): Promise<void> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) }).catch((error: unknown) => {
    throw new Error(`${name} is not reachable at ${url} (${error instanceof Error ? error.message : String(error)}); ${hint}`);
  });
  if (!response.ok) throw new Error(`${name} at ${url} answered ${response.status}; ${hint}`);
}

/** `count` consecutive free ports on 127.0.0.1, from a random base (other test runs may hold fixed ones). */
export async function freePorts(count: number): Promise<number[]> {
  const { createServer } = await import("node:net");
  const free = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const ports = Array.from({ length: count }, (_, index) => base + index);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return ports;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
