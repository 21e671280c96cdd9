import { execFile } from "node:child_process";
import { relative } from "node:path";
import { SpecPromptError } from "../errors.js";

/** A git working tree and where a package folder sits inside it. */
export interface GitRepo {
  /** Absolute top folder of the working tree. */
  root: string;
  /** The package folder relative to `root`, POSIX, "" at the top. */
  prefix: string;
}

interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run git (no shell) in `cwd`; never throws for a non-zero exit, only when git cannot be started. */
export function git(
  args: string[],
  cwd: string,
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      {
        cwd,
        encoding: "buffer",
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, ...options.env, LC_ALL: "C" },
      },
      (error, stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") {
          reject(
            new SpecPromptError("E_USAGE", "git is not installed (or not on PATH)", {
              hint: "install git, or run this command where `git --version` works",
            }),
          );
          return;
        }
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr.toString("utf8") });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** git's stdout as text; a SpecPromptError with git's own message when it fails. */
export async function gitText(args: string[], cwd: string): Promise<string> {
  const result = await git(args, cwd);
  if (result.code !== 0)
    throw new SpecPromptError(
      "E_USAGE",
      `git ${args[0]} failed: ${result.stderr.trim() || `exit ${result.code}`}`,
    );
  return result.stdout.toString("utf8");
}

/** The repository holding `dir`, or undefined when it is not in one or git is not installed. */
export async function findRepo(dir: string): Promise<GitRepo | undefined> {
  let result: GitResult;
  try {
    result = await git(["rev-parse", "--show-toplevel"], dir);
  } catch {
    return undefined;
  }
  if (result.code !== 0) return undefined;
  return repoOf(result.stdout.toString("utf8").trim(), dir);
}

/** The repository holding `dir`; a clear error when git is missing or `dir` is not in a repository. */
export async function requireRepo(dir: string, command: string): Promise<GitRepo> {
  const result = await git(["rev-parse", "--show-toplevel"], dir);
  if (result.code !== 0)
    throw new SpecPromptError("E_USAGE", `${command} needs a git repository, and ${dir} is not in one`, {
      hint: "versions are tags of a git repository: run `git init` and `specprompt version` first",
    });
  return repoOf(result.stdout.toString("utf8").trim(), dir);
}

async function repoOf(top: string, dir: string): Promise<GitRepo> {
  // rev-parse prints the real path; the package folder may be reached through a symlink (/tmp on macOS).
  const { realpath } = await import("node:fs/promises");
  const real = await realpath(dir);
  return { root: top, prefix: relative(top, real).split("\\").join("/") };
}

/** `prefix/path`, the path git uses for a file of the package. */
export function repoPath(repo: GitRepo, path: string): string {
  return repo.prefix === "" ? path : `${repo.prefix}/${path}`;
}

/** The bytes of a package file at `rev`, or undefined when it does not exist there. */
export async function showFile(repo: GitRepo, rev: string, path: string): Promise<Buffer | undefined> {
  const result = await git(["show", `${rev}:${repoPath(repo, path)}`], repo.root);
  return result.code === 0 ? result.stdout : undefined;
}

/** Every file of the package folder at `rev`, relative to the package folder. */
export async function filesAt(repo: GitRepo, rev: string): Promise<string[]> {
  const args = ["ls-tree", "-r", "--name-only", "-z", rev];
  if (repo.prefix !== "") args.push("--", `${repo.prefix}/`);
  const text = await gitText(args, repo.root);
  const cut = repo.prefix === "" ? 0 : repo.prefix.length + 1;
  return text
    .split("\0")
    .filter(Boolean)
    .map((path) => path.slice(cut));
}

/** Whether a tag exists. */
export async function tagExists(repo: GitRepo, tag: string): Promise<boolean> {
  return (await git(["rev-parse", "-q", "--verify", `refs/tags/${tag}`], repo.root)).code === 0;
}

/** Paths (relative to the repository top) with uncommitted changes, untracked files included. */
export async function dirtyPaths(repo: GitRepo): Promise<string[]> {
  const text = await gitText(["status", "--porcelain=v1", "-z", "--untracked-files=all"], repo.root);
  const fields = text.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.length < 4) continue;
    paths.push(field.slice(3));
    // A rename or copy names its source in the next field.
    if (field[0] === "R" || field[0] === "C") paths.push(fields[++i]!);
  }
  return paths;
}
