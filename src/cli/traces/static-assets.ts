// The page's files (assets/ beside this module, copied next to the compiled one by the build), read once at
// start and served from memory: a fixed set, so no request path ever reaches the file system.
import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

export interface Asset {
  readonly contentType: string;
  readonly body: Buffer;
}

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
};

export const assetsDirectory = fileURLToPath(new URL("./assets/", import.meta.url));

/** By URL path: `/` for index.html, `/<relative path>` for the others. */
export async function loadAssets(directory = assetsDirectory): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    const contentType = contentTypes[extname(entry.name)];
    if (!entry.isFile() || contentType === undefined) continue;
    const file = join(entry.parentPath, entry.name);
    const path = `/${relative(directory, file).split(sep).join("/")}`;
    assets.set(path === "/index.html" ? "/" : path, { contentType, body: await readFile(file) });
  }
  if (!assets.has("/")) throw new Error(`the viewer's page is missing: no index.html in ${directory}`);
  return assets;
}
