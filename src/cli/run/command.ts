// `postline run <module>`: serves the module's App (or broker) in this process, or in worker processes under
// a supervisor with --workers and --reload. SIGINT/SIGTERM (the entry point's abort signal) stop it gracefully.
import type { CliOutput } from "../command.js";
import { loadTarget, resolveModule } from "../load-target.js";
import { parseRunOptions, type RunOptions } from "./options.js";
import { presentArgv, serveUntil } from "./serve.js";
import { Supervisor } from "./supervisor.js";
import { watchSources } from "./watcher.js";

export const usage = `Usage: postline run <module> [options] [-- app arguments]

Starts the App (or broker) a module exports and stops it gracefully on SIGINT/SIGTERM: no new messages,
handlers in progress finish, then the App's shutdown hooks run. TypeScript modules run without a build step,
decorators included (through tsx: npm install --save-dev tsx).

The module exports the App or broker (default export, or --export <name>), or a function that returns one
(it is called with the app arguments). It must not start the App itself.

Options:
  -e, --export <name>      the export to run (default: the default export)
  -w, --workers <n>        run n worker processes, competing consumers of the same subscriptions; a worker
                           that crashes is started again (after 0.5 s, doubling up to 30 s)
  -r, --reload             restart when a source file changes (the old process drains before the new one
                           starts); for development
      --watch <dir>        with --reload: a directory to watch (repeatable; default the current directory;
                           node_modules, dist and .git are never watched)
  -l, --log-level <level>  debug, info, warn, error or silent: the level of Postline's console loggers
                           (sets POSTLINE_LOG_LEVEL for the app)
  -h, --help               this help

After "--", arguments for the app: it reads them from process.argv.slice(2) as if run with node, and a
factory export receives them. Workers also get POSTLINE_WORKER (1..n) in their environment.

Examples:
  postline run ./src/app.ts
  postline run ./dist/app.js --export app --workers 4
  postline run ./src/app.ts --reload --watch src -- --env .env.dev`;

export async function run(argv: readonly string[], output: CliOutput, signal: AbortSignal): Promise<number> {
  const options = parseRunOptions(argv);
  if (options === "help") {
    output.out(usage);
    return 0;
  }
  const file = resolveModule(options.module);
  if (options.logLevel !== undefined) process.env.POSTLINE_LOG_LEVEL = options.logLevel;
  if (options.workers === 0 && !options.reload) return serveHere(file, options, output, signal);
  return supervise(file, options, output, signal);
}

async function serveHere(file: string, options: RunOptions, output: CliOutput, signal: AbortSignal): Promise<number> {
  presentArgv(file, options.appArgs);
  const loaded = await loadTarget(file, options.exportName, options.appArgs);
  await serveUntil(loaded, signal, () => output.out(`postline run: ${options.module} started (pid ${process.pid}); Ctrl-C stops`));
  output.out("postline run: stopped");
  return 0;
}

async function supervise(file: string, options: RunOptions, output: CliOutput, signal: AbortSignal): Promise<number> {
  const supervisor = new Supervisor({
    workers: Math.max(1, options.workers),
    spec: { file, exportName: options.exportName, appArgs: options.appArgs },
    reload: options.reload,
    output,
  });
  let reloading = Promise.resolve();
  const watcher = options.reload
    ? await watchSources(options.watch, (files) => {
        const reason = `${files.slice(0, 3).join(", ")}${files.length > 3 ? ` and ${files.length - 3} more` : ""} changed`;
        reloading = reloading.then(() => supervisor.restartAll(reason));
      })
    : undefined;
  if (watcher !== undefined) output.out(`postline run: watching ${options.watch.join(", ")} for changes`);
  try {
    return await supervisor.run(signal);
  } finally {
    await watcher?.close();
  }
}
