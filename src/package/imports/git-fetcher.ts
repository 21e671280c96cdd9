import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { git } from "../../versions/git.js";

/** A tag, branch or commit of one repository, fetched once and extracted folder by folder. */
export interface GitFetcher {
  /**
   * Writes the regular files of `path` ("" for the top) at `rev` of the repository at `url` into
   * `dest` (created; symbolic links and submodules are left out) and returns the commit `rev`
   * resolved to. Throws a plain Error with git's message when it cannot.
   */
  extract(url: string, rev: string, path: string, dest: string): Promise<string>;
  /** Removes the scratch repositories. */
  dispose(): void;
}

// Never ask for credentials on a terminal: a build waiting on a password prompt looks hung.
// (ssh asks for host keys and passphrases itself: BatchMode, unless the user set their own ssh.)
const GIT_ENV = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_ASKPASS: "echo",
  ...(process.env.GIT_SSH_COMMAND === undefined && { GIT_SSH_COMMAND: "ssh -o BatchMode=yes" }),
};

/** URL and ref come from manifests, libraries' included: never let git read them as options. */
function assertNotOption(value: string, what: string): void {
  if (value.startsWith("-")) throw new Error(`refusing ${what} '${value}': it would be read as an option`);
}

/** A fetcher whose scratch repositories live under `scratchDir` (removed by `dispose`). */
export function createGitFetcher(scratchDir: string): GitFetcher {
  const repos = new Map<string, Promise<string>>();
  const commits = new Map<string, Promise<string>>();
  const root = join(scratchDir, `imports-${randomBytes(4).toString("hex")}`);
  const run = async (args: string[], cwd: string) => {
    const result = await git(args, cwd, { env: GIT_ENV });
    if (result.code !== 0)
      throw new Error(gitReason(result.stderr) || `git ${args[0]} exited ${result.code}`);
    return result.stdout.toString("utf8").trim();
  };
  const repoFor = (url: string) => {
    let repo = repos.get(url);
    if (!repo) {
      const dir = join(root, String(repos.size));
      repo = (async () => {
        mkdirSync(dir, { recursive: true });
        await run(["init", "-q"], dir);
        return dir;
      })();
      repos.set(url, repo);
    }
    return repo;
  };
  const resolveCommit = (url: string, rev: string) => {
    const key = `${url}\0${rev}`;
    let commit = commits.get(key);
    if (!commit) {
      commit = (async () => {
        const repo = await repoFor(url);
        try {
          assertNotOption(url, "repository");
          assertNotOption(rev, "ref");
          await run(["fetch", "-q", "--depth", "1", "--no-tags", "--end-of-options", url, rev], repo);
          return await run(["rev-parse", "--verify", "FETCH_HEAD^{commit}"], repo);
        } catch (shallowError) {
          // An abbreviated commit cannot be fetched by name: fetch every branch and tag, then look.
          if (!/^[0-9a-f]{4,39}$/.test(rev)) throw shallowError;
          await run(
            [
              "fetch",
              "-q",
              "--end-of-options",
              url,
              "+refs/heads/*:refs/remotes/origin/*",
              "+refs/tags/*:refs/tags/*",
            ],
            repo,
          );
          return await run(["rev-parse", "--verify", "--end-of-options", `${rev}^{commit}`], repo);
        }
      })();
      commits.set(key, commit);
    }
    return commit;
  };
  return {
    async extract(url, rev, path, dest) {
      const commit = await resolveCommit(url, rev);
      const repo = await repoFor(url);
      const tree = path === "" ? commit : `${commit}:${path}`;
      assertNotOption(path, "path");
      const type = await run(["cat-file", "-t", tree], repo).catch(() => "missing");
      if (type !== "tree") throw new Error(`no folder '${path}' at ${commit.slice(0, 12)}`);
      // An index of the library's folder alone, written out under dest.
      await run(["read-tree", tree], repo);
      mkdirSync(dest, { recursive: true });
      await run(["checkout-index", "-a", "-f", `--prefix=${dest}/`], repo);
      removeLinks(dest);
      return commit;
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A library's files are text it gives us; a link could point anywhere on this machine. */
function removeLinks(dir: string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const info = lstatSync(path);
    if (info.isSymbolicLink()) rmSync(path);
    else if (info.isDirectory()) removeLinks(path);
  }
}

/** git's own reason: its `fatal:` or `error:` line, else its first line. */
function gitReason(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? "";
}
