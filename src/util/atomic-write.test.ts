import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic-write.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-atomic-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("creates the file and its missing parent folders", async () => {
    const path = join(root, "a", "b", "c.txt");
    await writeFileAtomic(path, "hello\n");
    expect(await readFile(path, "utf8")).toBe("hello\n");
  });

  it("replaces an existing file with bytes exactly as given and leaves no temporary file", async () => {
    const path = join(root, "data.bin");
    await writeFile(path, "old content that is longer");
    await writeFileAtomic(path, Uint8Array.from([0, 1, 255]));
    expect([...(await readFile(path))]).toEqual([0, 1, 255]);
    expect(await readdir(root)).toEqual(["data.bin"]);
  });

  it("removes its temporary file and rethrows when the final rename fails", async () => {
    const path = join(root, "taken");
    await mkdir(join(path, "inside"), { recursive: true });
    await expect(writeFileAtomic(path, "x")).rejects.toThrow();
    expect(await readdir(root)).toEqual(["taken"]);
    expect(await readdir(path)).toEqual(["inside"]);
  });
});
