import { z } from "zod";

import { importLockSchema } from "./import-lock-schema.js";
import { LOCKFILE_VERSION } from "./lock-file.js";

export { LOCKFILE_VERSION } from "./lock-file.js";

const hash = z.string().regex(/^[0-9a-f]{64}$/);

const tokens = z.strictObject({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
});

/** The hash of every input of a unit, kept apart so `plan` can say which one changed. */
export const unitInputsSchema = z.strictObject({
  format: z.string(),
  model: z.string(),
  modelParams: z.record(z.string(), z.unknown()),
  core: hash.optional(),
  guide: hash.optional(),
  criteria: hash.optional(),
  prompt: hash.optional(),
  context: z.record(z.string(), hash),
  tests: z.record(z.string(), hash),
  /** Hand-owned files the model read; absent when the package has none (older locks never have it). */
  handwritten: z.record(z.string(), hash).optional(),
  /** What each imported library gives (alias → hash); absent when the package imports none. */
  imports: z.record(z.string(), hash).optional(),
  needs: z.record(z.string(), hash),
});

export const validationRecordSchema = z.strictObject({
  command: z.string(),
  passed: z.boolean(),
  exitCode: z.number().int().nullable(),
  /** Test counts, when the runner's output states them (locks before the refine loop never have them). */
  tests: z
    .strictObject({ passed: z.number().int().nonnegative(), failed: z.number().int().nonnegative() })
    .optional(),
});

export const unitLockSchema = z.strictObject({
  inputHash: hash,
  inputs: unitInputsSchema,
  outputs: z.record(z.string(), hash),
  /** Cache keys of the model requests that produced the outputs, in order. */
  requests: z.array(hash),
  tokens,
  cost: z.number().nonnegative().optional(),
  iterations: z.number().int().positive(),
  buildId: z.string(),
  builtAt: z.string(),
  validation: validationRecordSchema.optional(),
});

export const lockSchema = z.strictObject({
  lockfileVersion: z.literal(LOCKFILE_VERSION),
  name: z.string(),
  version: z.string(),
  params: z.record(z.string(), z.string()),
  build: z.strictObject({
    id: z.string(),
    time: z.string(),
    tokens,
    cost: z.number().nonnegative().optional(),
    validation: validationRecordSchema.optional(),
    /** How long the build took, start to lock (absent in older locks). */
    durationMs: z.number().int().nonnegative().optional(),
  }),
  units: z.record(z.string(), unitLockSchema),
  /** The prompt libraries the build used, pinned (absent without `imports:`, and in older locks). */
  imports: z.record(z.string(), importLockSchema).optional(),
});

/**
 * What each target of a package with `targets` has of its own in the lock; import pins too, since
 * a target's params render the libraries it imports.
 */
const SECTION_KEYS = { params: true, build: true, units: true, imports: true } as const;
export const lockSectionSchema = lockSchema.pick(SECTION_KEYS);

/** The lock of a package with targets: the package fields once, then one section per target. */
export const targetsLockSchema = lockSchema
  .omit(SECTION_KEYS)
  .extend({ targets: z.record(z.string(), lockSectionSchema) });

export type Lock = z.output<typeof lockSchema>;
export type LockSection = z.output<typeof lockSectionSchema>;
export type TargetsLock = z.output<typeof targetsLockSchema>;
/** What specprompt.lock holds: one lock, or a lock per target. */
export type LockFile = Lock | TargetsLock;
export type UnitLock = z.output<typeof unitLockSchema>;
export type UnitInputs = z.output<typeof unitInputsSchema>;
export type ValidationRecord = z.output<typeof validationRecordSchema>;
export type TokenCount = z.output<typeof tokens>;
