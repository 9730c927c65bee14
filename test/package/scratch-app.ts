import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { installCommands, readmeBlocks } from "./readme.js";

// A user's app, outside the repository: the packed tarball installed with what the README tells a user to
// install, and the README's files written as printed. Built once per test file.
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
  /** Called with everything printed so far (stdout and stderr); return true to send SIGTERM (a service that has done its part). */
  readonly stopWhen?: (output: string) => boolean;
}

/** npm and the app run on the Node that runs the tests (the project's Node 24), first on PATH. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !name.startsWith("OTEL_") && !name.startsWith("npm_") && name !== "NODE_OPTIONS");
  return { ...Object.fromEntries(inherited), PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, ...extra };
}

export function run(command: string, args: readonly string[], options: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: environment(options.env), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let stopped = false;
    const maybeStop = (): void => {
      if (!stopped && options.stopWhen?.(stdout + stderr) === true) {
        stopped = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      maybeStop();
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      maybeStop();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs and fails with everything the command printed when it does not exit 0. */
export async function runOk(command: string, args: readonly string[], options: RunOptions): Promise<Run> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} (in ${options.cwd}) exited ${result.code ?? result.signal}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}

export interface PackedFile {
  readonly path: string;
}

export interface Tarball {
  readonly path: string;
  readonly files: readonly PackedFile[];
}

/**
 * `npm pack` of the repository as built by `npm run build` (npm test builds before the suites run). Scripts are
 * skipped: prepack would delete and rebuild dist/ while other test files read it.
 */
export async function pack(into: string): Promise<Tarball> {
  if (!existsSync(join(repoRoot, "dist", "index.js"))) throw new Error("dist/ is missing: run `npm run build` (npm test does) before this test");
  const { stdout } = await runOk("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", into], { cwd: repoRoot, timeoutMs: 60_000 });
  const [report] = JSON.parse(stdout) as { filename: string; files: PackedFile[] }[];
  if (report === undefined) throw new Error(`npm pack printed no report: ${stdout}`);
  return { path: join(into, report.filename), files: report.files };
}

export interface ScratchApp {
  readonly dir: string;
  readonly tarball: Tarball;
  /** Runs `node <file>` in the app, with optional Node flags before the file (e.g. `--import`). */
  node(file: string, options?: { flags?: readonly string[]; env?: Record<string, string>; stopWhen?: (output: string) => boolean; timeoutMs?: number }): Promise<Run>;
  npm(args: readonly string[], timeoutMs?: number): Promise<Run>;
  write(file: string, text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function createScratchApp(): Promise<ScratchApp> {
  const dir = await mkdtemp(join(tmpdir(), "postline-app-"));
  const tarball = await pack(dir);
  const app: ScratchApp = {
    dir,
    tarball,
    node: (file, options = {}) => run(process.execPath, [...(options.flags ?? []), file], { cwd: dir, env: options.env, stopWhen: options.stopWhen, timeoutMs: options.timeoutMs ?? 30_000 }),
    npm: (args, timeoutMs = 240_000) => runOk("npm", [...args, "--no-audit", "--no-fund", "--prefer-offline"], { cwd: dir, timeoutMs }),
    async write(file, text) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
  await app.write("package.json", `${JSON.stringify({ name: "my-service", private: true, type: "module" }, null, 2)}\n`);
  for (const command of installCommands()) {
    // The README installs "postline" from the registry; here it is the tarball of this checkout.
    await app.npm(command.map((word) => (word === "postline" ? tarball.path : word)));
  }
  for (const block of readmeBlocks()) {
    if (block.file !== "install") await app.write(block.file, block.code);
  }
  return app;
}
