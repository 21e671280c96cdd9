/** File name of the lock, beside the manifest. */
export const LOCK_FILE = "specprompt.lock";

/** Bumped when the lock's shape changes incompatibly. */
export const LOCKFILE_VERSION = 1;
