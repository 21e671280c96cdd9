import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { createLibraryWatch, pickLibraryFolders } from "./watch-libraries.js";

describe("pickLibraryFolders", () => {
  test("keeps libraries outside the package, once, and not those inside another watched library", () => {
    const root = join("/work", "repo", "app");
    const libs = join("/work", "repo", "libs");
    expect(
      pickLibraryFolders(root, [
        join(root, "vendor", "style"),
        join(libs, "style"),
        join(libs, "style", "nested"),
        join(libs, "base"),
        join(libs, "base"),
      ]),
    ).toEqual([join(libs, "style"), join(libs, "base")]);
    // A library holding the package is watched (its other files matter); the package's own watch covers the rest.
    expect(pickLibraryFolders(root, [join("/work", "repo")])).toEqual([join("/work", "repo")]);
  });
});

/** Resolves once `ready()` holds, polling; fails after two seconds. */
async function until(ready: () => boolean): Promise<void> {
  for (const start = Date.now(); !ready(); await new Promise((resolve) => setTimeout(resolve, 10)))
    if (Date.now() - start > 2000) throw new Error("timed out");
}

describe("createLibraryWatch", () => {
  test("watches a library folder once it appears, again after it is deleted and made anew, and stops when dropped", async () => {
    const root = await mkdtemp(join(tmpdir(), "specprompt-watch-libraries-"));
    const controller = new AbortController();
    let changes = 0;
    const watch = createLibraryWatch(join(root, "app"), controller.signal, () => changes++);
    const library = join(root, "libs", "style");
    try {
      expect(watch.update([library])).toEqual({ added: [], removed: [] });
      expect(watch.folders()).toEqual([]);

      await mkdir(join(root, "libs"));
      await until(() => changes > 0); // its parent, waited in, saw it appear
      expect(watch.update([library])).toEqual({ added: [], removed: [] }); // now waiting in libs/
      await mkdir(library);
      await until(() => changes > 1);
      expect(watch.update([library])).toEqual({ added: [library], removed: [] });

      const before = changes;
      await writeFile(join(library, "guide.md"), "## Modules\n");
      await until(() => changes > before);
      const ignored = changes;
      await mkdir(join(library, ".specprompt"));
      await writeFile(join(library, "specprompt.lock"), "{}\n");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(changes).toBe(ignored);

      await rm(library, { recursive: true });
      watch.update([library]); // waiting again
      expect(watch.folders()).toEqual([]);
      await mkdir(library);
      await until(() => watch.update([library]).added.length === 1);
      expect(watch.folders()).toEqual([library]);

      expect(watch.update([])).toEqual({ added: [], removed: [library] });
      expect(watch.folders()).toEqual([]);
    } finally {
      watch.close();
      controller.abort();
      await rm(root, { recursive: true, force: true });
    }
  });
});
