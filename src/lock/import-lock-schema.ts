import { z } from "zod";

const hash = z.string().regex(/^[0-9a-f]{64}$/);

/**
 * One prompt library as a build used it (`imports:`), keyed in the lock by its alias
 * (`ts-style`, or `ts-style/base` for what ts-style imports): where it came from, the commit a git
 * ref resolved to, and the hash of every file taken from it.
 */
export const importLockSchema = z.strictObject({
  /** The path as the manifest writes it, or the git URL. */
  source: z.string(),
  /** Git: the tag or commit the manifest names, the commit it resolved to, and the folder in the repository. */
  ref: z.string().optional(),
  commit: z.string().optional(),
  path: z.string().optional(),
  /** The library's package name and version. */
  name: z.string(),
  version: z.string(),
  /** What the library gives, its own imports included (the unit input `imports.<alias>`). */
  hash,
  /** Path in the library → sha256 of the layer as used (rendered, sections picked). */
  files: z.record(z.string(), hash),
});

export type ImportLock = z.output<typeof importLockSchema>;
