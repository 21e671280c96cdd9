import { resolve } from "node:path";
import { NotBuiltError } from "../drift/require-lock.js";
import { UsageError } from "../errors.js";
import { listTargets, targetContaining } from "../package/targets.js";
import { targetArgs } from "./shared-options.js";

/** One target a command works on, with the files it was given that lie in that target's tree. */
export interface CommandTarget {
  target: string | undefined;
  paths: string[];
}

/**
 * The targets a command works on: `--target` when given; else, when the command names files, the
 * targets whose out trees hold them (each with its own files); else every target. One entry with
 * `target` undefined for a package without targets.
 */
export async function commandTargets(
  values: Record<string, unknown>,
  args: { dir: string; cwd: string; paths?: string[] },
): Promise<CommandTarget[]> {
  const wanted = targetArgs(values);
  const paths = args.paths ?? [];
  const all = await listTargets({ ...args, targets: wanted });
  if (all[0] === undefined || paths.length === 0) return all.map((target) => ({ target, paths }));
  const byTarget = new Map<string | undefined, string[]>();
  for (const path of paths) {
    const target = await targetContaining(args, resolve(args.cwd, path));
    if (!all.includes(target)) {
      throw new UsageError(
        `${path} is in the output tree of target ${target}, which --target leaves out`,
        `add --target ${target}, or leave out --target to let the files choose`,
      );
    }
    byTarget.set(target, [...(byTarget.get(target) ?? []), path]);
  }
  return all.flatMap((target) => {
    const mine = byTarget.get(target);
    return mine ? [{ target, paths: mine }] : [];
  });
}

/**
 * Run a command on each target. Among targets, one never built is a gap to report, not a reason
 * to stop: its NotBuiltError is collected. When no target was ever built (or the package has no
 * targets) the error is the command's, as for a package never built.
 */
export async function runPerTarget<T>(
  targets: CommandTarget[],
  run: (one: CommandTarget) => Promise<T>,
): Promise<{ results: T[]; notBuilt: NotBuiltError[] }> {
  const results: T[] = [];
  const notBuilt: NotBuiltError[] = [];
  for (const one of targets) {
    try {
      results.push(await run(one));
    } catch (error) {
      if (one.target === undefined || !(error instanceof NotBuiltError)) throw error;
      notBuilt.push(error);
    }
  }
  if (results.length === 0 && notBuilt.length > 0) throw notBuilt[0];
  return { results, notBuilt };
}
