import { posix } from "node:path";
import { SpecPromptError } from "../errors.js";
import { LOCK_FILE } from "../lock/lock-file.js";
import type { Lock } from "../lock/lock-schema.js";
import { isContainedPath } from "../package/contained-path.js";
import type { LoadedPackage } from "../package/types.js";

/** The package (or the target) has no lock yet: bad input for one package, a gap among targets. */
export class NotBuiltError extends SpecPromptError {
  readonly target?: string;

  constructor(pkg: LoadedPackage, command: string) {
    const target = pkg.target;
    super(
      "E_LOCK",
      target === undefined
        ? `${pkg.manifest.name} has never been built: there is no ${LOCK_FILE}, so there is nothing to ${command}`
        : `target ${target} of ${pkg.manifest.name} has never been built: ${LOCK_FILE} has no section for it, so there is nothing to ${command}`,
      {
        hint:
          target === undefined
            ? "run specprompt build first (or restore specprompt.lock from version control)"
            : `run specprompt build --target ${target}`,
      },
    );
    this.target = target;
  }
}

/**
 * The lock of a built package, checked against its manifest: drift and provenance need one. A
 * package never built, a lock of another package and a lock naming files outside the output tree
 * are bad input (exit 2), each with what to do.
 */
export function requireMatchingLock(pkg: LoadedPackage, lock: Lock | undefined, command: string): Lock {
  const file = { file: `${pkg.dir}/${LOCK_FILE}` };
  if (!lock) {
    throw new NotBuiltError(pkg, command);
  }
  if (lock.name !== pkg.manifest.name) {
    throw new SpecPromptError(
      "E_LOCK",
      `${LOCK_FILE} is the lock of package '${lock.name}', but specprompt.yaml names '${pkg.manifest.name}'`,
      {
        location: file,
        hint: "restore the lock that belongs to this package from version control, or delete it and rebuild",
      },
    );
  }
  for (const [unit, entry] of Object.entries(lock.units)) {
    for (const path of Object.keys(entry.outputs)) {
      if (!isContainedPath(path) || path.includes("\\") || posix.normalize(path) !== path || path === ".") {
        throw new SpecPromptError(
          "E_LOCK",
          `${LOCK_FILE} records an output of unit ${unit} outside the output tree: ${path}`,
          { location: file, hint: "the lock was edited by hand; restore it from version control" },
        );
      }
    }
  }
  return lock;
}
