import { SpecPromptError } from "../errors.js";
import { LOCK_FILE } from "./lock-file.js";
import { type LockFile, lockSchema, targetsLockSchema } from "./lock-schema.js";

/** Parse and check lock text; a broken lock is bad input with a way out. */
export function parseLock(text: string, path: string): LockFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SpecPromptError("E_LOCK", `${LOCK_FILE} is not valid JSON (${(error as Error).message})`, {
      location: { file: path },
      hint: "restore it from version control (git checkout -- specprompt.lock), or delete it to rebuild every unit",
    });
  }
  const hasTargets = typeof data === "object" && data !== null && Object.hasOwn(data, "targets");
  const result = (hasTargets ? targetsLockSchema : lockSchema).safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join(".") || "(root)";
    throw new SpecPromptError(
      "E_LOCK",
      `${LOCK_FILE} does not match the lock format at ${where}: ${issue?.message}`,
      {
        location: { file: path },
        hint: "it may come from a newer specprompt; restore it from version control or delete it to rebuild",
      },
    );
  }
  return result.data;
}
