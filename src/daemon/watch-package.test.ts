import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchPackage } from "./watch-package.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A package folder under watch, and a way to wait until a change has been seen (or not). */
async function watched(layout: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "specprompt-watch-"));
  for (const [path, text] of Object.entries(layout)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const controller = new AbortController();
  let changes = 0;
  const watch = watchPackage(dir, controller.signal, () => {
    changes++;
  });
  cleanups.push(async () => {
    watch.close();
    controller.abort();
    await rm(dir, { recursive: true, force: true });
  });
  const settle = () => new Promise((done) => setTimeout(done, 150));
  const changedBy = async (act: () => void) => {
    await settle();
    const before = changes;
    act();
    await settle();
    return changes > before;
  };
  return { dir, watch, changedBy };
}

describe("watchPackage", () => {
  it("sees changes to top-level files, nested files, new folders and vendored imports", async () => {
    const { dir, watch, changedBy } = await watched({ "core.md": "a", "units/u.md": "b" });
    expect(await changedBy(() => writeFileSync(join(dir, "core.md"), "a2"))).toBe(true);
    expect(await changedBy(() => writeFileSync(join(dir, "units/u.md"), "b2"))).toBe(true);
    expect(await changedBy(() => mkdirSync(join(dir, "docs")))).toBe(true);
    expect(await changedBy(() => writeFileSync(join(dir, "docs/new.md"), "c"))).toBe(true);
    mkdirSync(join(dir, ".specprompt/imports/lib"), { recursive: true });
    watch.refresh();
    expect(await changedBy(() => writeFileSync(join(dir, ".specprompt/imports/lib/guide.md"), "d"))).toBe(
      true,
    );
    expect(watch.healthy()).toBe(true);
  });

  it("leaves out a build's scratch space, dependencies and version control", async () => {
    const { dir, changedBy } = await watched({
      "core.md": "a",
      ".specprompt/staging/x": "s",
      "node_modules/dep/index.js": "n",
      ".git/HEAD": "h",
    });
    expect(await changedBy(() => writeFileSync(join(dir, ".specprompt/staging/x"), "s2"))).toBe(false);
    expect(await changedBy(() => writeFileSync(join(dir, "node_modules/dep/index.js"), "n2"))).toBe(false);
    expect(await changedBy(() => writeFileSync(join(dir, ".git/HEAD"), "h2"))).toBe(false);
  });
});
