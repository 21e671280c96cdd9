import { utimesSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markWarmProcess } from "../util/warm-process.js";
import { type LayerSource, readLayer } from "./read-layers.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "specprompt-layers-"));
  markWarmProcess();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const source = (params: Record<string, string>): LayerSource => ({
  dir,
  cwd: dir,
  manifestDisplay: "specprompt.yaml",
  params,
  locate: () => undefined,
});

/** Write a layer with an mtime in the past, as a file not touched during this run would have. */
function writeOld(name: string, text: string, secondsAgo = 60): void {
  writeFileSync(join(dir, name), text);
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(dir, name), when, when);
}

describe("layers remembered between loads", () => {
  it("gives back what was read while the file is unchanged, and reads again after an edit or with other params", async () => {
    writeOld("core.md", "Licensed {{license}}.\n");
    const params = { license: "MIT" };
    const first = await readLayer(source(params), "core", "core.md", ["core"]);
    expect(first.content).toBe("Licensed MIT.\n");
    expect(await readLayer(source(params), "core", "core.md", ["core"])).toEqual(first);

    expect((await readLayer(source({ license: "ISC" }), "core", "core.md", ["core"])).content).toBe(
      "Licensed ISC.\n",
    );
    writeOld("core.md", "Licensed {{license}}!\n", 30);
    expect((await readLayer(source(params), "core", "core.md", ["core"])).content).toBe("Licensed MIT!\n");
  });

  it("does not remember a file changed a moment ago, whose next change could keep its stat", async () => {
    writeFileSync(join(dir, "guide.md"), "one\n");
    expect((await readLayer(source({}), "guide", "guide.md", ["guide"])).content).toBe("one\n");
    writeFileSync(join(dir, "guide.md"), "two\n"); // same size, maybe the same mtime tick
    expect((await readLayer(source({}), "guide", "guide.md", ["guide"])).content).toBe("two\n");
  });
});
