import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/** A fresh temporary folder per test (removed after it), and a way to fill it. */
export interface TempFolder {
  /** The current test's folder. */
  readonly root: string;
  /** Writes files (path relative to `base`, default the folder → text), creating their folders. */
  write(files: Record<string, string>, base?: string): Promise<void>;
}

/** Call at the top of a test file: every test gets its own folder named `<prefix>…`. */
export function useTempFolder(prefix: string): TempFolder {
  let root = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    async write(files, base = root) {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(base, path)), { recursive: true });
        await writeFile(join(base, path), text);
      }
    },
  };
}
