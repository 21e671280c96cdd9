import { resolve } from "node:path";
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
    byTarget.set(target, [...(byTarget.get(target) ?? []), path]);
  }
  return all.flatMap((target) => {
    const mine = byTarget.get(target);
    return mine ? [{ target, paths: mine }] : [];
  });
}
