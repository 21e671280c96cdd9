import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../test/support/rejection-of.js";
import { formatError } from "../errors.js";
import { findManifest } from "./find-manifest.js";
import { ManifestError, readManifest } from "./read-manifest.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-manifest-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("findManifest", () => {
  it("finds specprompt.yaml in a package folder given relative to cwd", async () => {
    await mkdir(join(root, "pkg"));
    await writeFile(join(root, "pkg", "specprompt.yaml"), "");
    expect(await findManifest("pkg", root)).toBe(join(root, "pkg", "specprompt.yaml"));
  });

  it("accepts the path of a manifest file", async () => {
    await writeFile(join(root, "other.yaml"), "");
    expect(await findManifest("other.yaml", root)).toBe(join(root, "other.yaml"));
  });

  it("says how to create a package when the folder has no manifest", async () => {
    const error = await rejectionOf(findManifest(".", root));
    expect(error.code).toBe("E_MANIFEST");
    expect(error.message).toBe("no specprompt.yaml in .");
    expect(error.hint).toContain("specprompt init <name>");
  });
});

describe("readManifest", () => {
  it("reports a YAML syntax error as file:line:column", async () => {
    await writeFile(
      join(root, "specprompt.yaml"),
      "name: demo\nversion: 0.1.0\ncore: [core.md\nguide: g.md\n",
    );
    const error = await rejectionOf(readManifest(join(root, "specprompt.yaml"), "pkg/specprompt.yaml"));
    expect(error.code).toBe("E_MANIFEST");
    expect(error.location).toEqual({ file: "pkg/specprompt.yaml", line: 4, column: 1 });
    expect(formatError(error)).toMatch(/^pkg\/specprompt\.yaml:4:1: YAML: /);
  });

  it("throws one error listing every problem as file:line:col lines", async () => {
    await writeFile(
      join(root, "specprompt.yaml"),
      "name: demo\nversion: 0.1.0\ncore: core.md\nmodle: x\nout: 5\n",
    );
    const error = await rejectionOf(readManifest(join(root, "specprompt.yaml"), "specprompt.yaml"));
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).issues).toHaveLength(2);
    expect(error.location).toEqual({ file: "specprompt.yaml", line: 4, column: 1 });
    expect(error.message.split("\n").filter((line) => /^specprompt\.yaml:\d+:\d+: /.test(line))).toEqual([
      "specprompt.yaml:4:1: unknown key 'modle'; did you mean 'model'?",
      "specprompt.yaml:5:6: out: expected string, got number 5",
    ]);
  });

  it("returns warnings instead of throwing them", async () => {
    await writeFile(
      join(root, "specprompt.yaml"),
      "name: demo\nversion: 0.1.0\ncore: core.md\nevals: e.yaml\n",
    );
    const { manifest, warnings } = await readManifest(join(root, "specprompt.yaml"), "specprompt.yaml");
    expect(manifest.name).toBe("demo");
    expect(warnings).toEqual(["specprompt.yaml:4:1: evals: only used by kind: prompt; ignored"]);
  });
});
