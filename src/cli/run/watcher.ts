// The file watcher of `postline run --reload` (chokidar): source changes under the watched directories,
// debounced so that a save touching several files (or an editor's write-then-rename) restarts once.
import { basename, relative, resolve } from "node:path";
import type { FSWatcher } from "chokidar";

const DEBOUNCE_MS = 300;

/** Directories never watched: dependencies, build output, VCS and caches. */
const ignoredDirectories = new Set(["node_modules", ".git", "dist", "build", "coverage", ".cache", ".turbo", ".next"]);
const watchedExtensions = /\.(?:[cm]?[jt]s|tsx|jsx|json)$/;

export interface SourceWatcher {
  close(): Promise<void>;
}

export async function watchSources(directories: readonly string[], onChange: (files: readonly string[]) => void): Promise<SourceWatcher> {
  const { watch } = await import("chokidar");
  const roots = directories.map((directory) => resolve(directory));
  const watcher: FSWatcher = watch(roots, {
    ignoreInitial: true,
    ignored: (path, stats) => {
      const name = basename(path);
      if (ignoredDirectories.has(name) || (name.startsWith(".") && !roots.includes(path))) return true;
      return stats?.isFile() === true && !watchedExtensions.test(name);
    },
  });
  await new Promise<void>((ready) => watcher.once("ready", ready));
  let changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const note = (path: string): void => {
    if (!watchedExtensions.test(path)) return;
    changed.add(relative(process.cwd(), path) || path);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...changed];
      changed = new Set();
      onChange(files);
    }, DEBOUNCE_MS);
  };
  watcher.on("add", note).on("change", note).on("unlink", note);
  return {
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
