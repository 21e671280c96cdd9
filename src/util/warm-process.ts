/**
 * Whether this process loads packages again and again (`build --watch`, `specprompt daemon`, a
 * program using the library): then what was read and parsed is kept, checked by each file's stat,
 * and a second load reads only what changed. A one-shot command keeps nothing, as recording the
 * stats would cost it more than it could save.
 */
let warm = false;
let shareLocks = false;

/**
 * `shareLocks`: also hand out the lock objects kept, which is safe only where no caller outside
 * specprompt gets them (the daemon, a watch), not in a program using the library.
 */
export function markWarmProcess(options: { shareLocks?: boolean } = {}): void {
  warm = true;
  shareLocks ||= options.shareLocks === true;
}

export function isWarmProcess(): boolean {
  return warm;
}

export function sharesLocks(): boolean {
  return shareLocks;
}

/** A file's identity for such caches: size, mtime, ctime and inode; undefined when it is gone. */
export function fileStamp(info: { size: number; mtimeMs: number; ctimeMs: number; ino: number } | undefined) {
  return info && `${info.size} ${info.mtimeMs} ${info.ctimeMs} ${info.ino}`;
}
