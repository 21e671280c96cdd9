/**
 * Finds the version to compare against: a folder as it is, or the package folder as it was at a
 * git ref or a released `name@version`, materialised with `git archive` into a temporary folder.
 */
import { spawn } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { SpecPromptError } from "../errors.js";

export interface BaselineSource {
  /** Folder holding the baseline's specprompt.yaml. */
  dir: string;
  /** What the user named, and what it resolved to (`v1.2 (3f2a1c9)`). */
  label: string;
  source: "folder" | "git";
  /** Removes the temporary folder of a git baseline. */
  cleanup(): Promise<void>;
}

const MANIFEST = "specprompt.yaml";

/**
 * Resolves `--compare <spec>` for the package in `pkgDir` named `name`: an existing folder, then
 * `name@version` (the tag, else the newest commit whose manifest has that version), then any
 * git ref.
 */
export async function resolveBaseline(
  spec: string,
  options: { cwd: string; pkgDir: string; name: string },
): Promise<BaselineSource> {
  const asFolder = resolve(options.cwd, spec);
  if (existsSync(asFolder) && statSync(asFolder).isDirectory()) {
    return { dir: asFolder, label: spec, source: "folder", cleanup: async () => {} };
  }
  const root = await gitRoot(options.pkgDir, spec);
  const path = relative(realpathSync(root), realpathSync(options.pkgDir)).split(sep).join("/");
  const manifestPath = path === "" ? MANIFEST : `${path}/${MANIFEST}`;

  const released = /^(@?[^@\s]+)@(\d[^@\s]*)$/.exec(spec);
  let commit: string | undefined;
  let label = spec;
  if (released) {
    const [, name, version] = released as unknown as [string, string, string];
    if (name !== options.name) {
      throw new SpecPromptError(
        "E_USAGE",
        `--compare ${spec}: this package is ${options.name}, not ${name}`,
        {
          hint: `use ${options.name}@<version>, a git ref or a folder`,
        },
      );
    }
    commit =
      (await revParse(root, `refs/tags/${spec}^{commit}`)) ??
      (await findVersionCommit(root, path, manifestPath, version));
    if (!commit) {
      throw new SpecPromptError(
        "E_USAGE",
        `--compare ${spec}: no tag ${spec} and no commit whose ${manifestPath} has version ${version}`,
        {
          hint: "tag the release (git tag name@version), or name a git ref or a folder",
        },
      );
    }
  } else {
    commit = await revParse(root, `${spec}^{commit}`);
    if (!commit) {
      throw new SpecPromptError(
        "E_USAGE",
        `--compare ${spec} is neither a folder, a git ref nor name@version`,
        {
          hint: `e.g. --compare ../old-copy, --compare HEAD~1, --compare main or --compare ${options.name}@1.0.0`,
        },
      );
    }
  }
  label = `${label} (${commit.slice(0, 7)})`;
  if ((await git(root, ["cat-file", "-e", `${commit}:${manifestPath}`])).code !== 0) {
    throw new SpecPromptError(
      "E_USAGE",
      `--compare ${spec}: ${manifestPath} does not exist at ${commit.slice(0, 7)}`,
      {
        hint: "compare against a commit where the package existed",
      },
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "specprompt-compare-"));
  try {
    await extractTree(root, path === "" ? commit : `${commit}:${path}`, dir);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, label, source: "git", cleanup: () => rm(dir, { recursive: true, force: true }) };
}

async function gitRoot(pkgDir: string, spec: string): Promise<string> {
  const result = await git(pkgDir, ["rev-parse", "--show-toplevel"]);
  if (result.code !== 0) {
    throw new SpecPromptError(
      "E_USAGE",
      `--compare ${spec}: no such folder, and ${pkgDir} is not in a git repository`,
      {
        hint: "name a folder holding the other version, or run inside the package's git repository",
      },
    );
  }
  return result.stdout.trim();
}

async function revParse(root: string, ref: string): Promise<string | undefined> {
  if (ref.startsWith("-")) return undefined;
  const result = await git(root, ["rev-parse", "--verify", "--quiet", ref]);
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/**
 * The newest commit (on the current history) at which the manifest says `version`: among the
 * commits that touched the package folder, newest first, the first whose manifest has it. All
 * manifests are read through one `git cat-file --batch`.
 */
async function findVersionCommit(
  root: string,
  packagePath: string,
  manifestPath: string,
  version: string,
): Promise<string | undefined> {
  const log = await git(root, ["log", "--format=%H", "--", packagePath === "" ? "." : packagePath]);
  const commits = log.code === 0 ? log.stdout.split("\n").filter(Boolean) : [];
  if (commits.length === 0) return undefined;
  const manifests = await readBlobs(
    root,
    commits.map((commit) => `${commit}:${manifestPath}`),
  );
  // Loaded here only: a run that names no release never needs the YAML parser.
  const { parse } = await import("yaml");
  return commits.find((_, i) => {
    try {
      const manifest = parse(manifests[i] ?? "") as { version?: unknown } | null;
      return manifest !== null && String(manifest.version) === version;
    } catch {
      return false; // a manifest that did not parse at that commit names no version
    }
  });
}

/** The contents of `<rev>:<path>` objects, undefined where missing, through one git process. */
function readBlobs(root: string, objects: string[]): Promise<(string | undefined)[]> {
  return new Promise((done, fail) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: root, stdio: ["pipe", "pipe", "ignore"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", fail);
    child.on("close", () => {
      const data = Buffer.concat(chunks);
      const blobs: (string | undefined)[] = [];
      let at = 0;
      for (let i = 0; i < objects.length && at < data.length; i++) {
        const end = data.indexOf(10, at);
        const header = data.toString("utf8", at, end).split(" ");
        at = end + 1;
        if (header[1] === "missing" || header.length < 3) {
          blobs.push(undefined);
          continue;
        }
        const size = Number(header[2]);
        blobs.push(header[1] === "blob" ? data.toString("utf8", at, at + size) : undefined);
        at += size + 1;
      }
      done(blobs);
    });
    child.stdin.end(`${objects.join("\n")}\n`);
  });
}

/** `git archive <tree> | tar -x -C dir`. */
function extractTree(root: string, tree: string, dir: string): Promise<void> {
  return new Promise((done, fail) => {
    const archive = spawn("git", ["archive", "--format=tar", tree], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tar = spawn("tar", ["-x", "-C", dir], { stdio: ["pipe", "ignore", "pipe"] });
    archive.stdout.pipe(tar.stdin);
    let errors = "";
    archive.stderr.on("data", (chunk) => (errors += chunk));
    tar.stderr.on("data", (chunk) => (errors += chunk));
    let pending = 2;
    let failed = false;
    const settle = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        fail(
          new SpecPromptError(
            "E_USAGE",
            `could not extract ${tree}: ${what} exited with ${code}: ${errors.trim()}`,
          ),
        );
      }
      if (--pending === 0 && !failed) done();
    };
    archive.on("error", fail);
    tar.on("error", fail);
    archive.on("close", settle("git archive"));
    tar.on("close", settle("tar"));
  });
}

function git(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (error) =>
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? fail(new SpecPromptError("E_USAGE", "--compare with a git ref needs git on the PATH"))
        : fail(error),
    );
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}
