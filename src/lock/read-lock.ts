import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SpecPromptError } from "../errors.js";
import { stableStringify } from "../util/stable-json.js";
import { type Lock, lockSchema } from "./lock-schema.js";

/** File name of the lock, beside the manifest. */
export const LOCK_FILE = "specprompt.lock";

/** The lock of the package in `dir`, or undefined when it was never built. */
export async function readLock(dir: string): Promise<Lock | undefined> {
  const path = join(dir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseLock(text, path);
}

/** Parse and check lock text; a broken lock is bad input with a way out. */
export function parseLock(text: string, path: string): Lock {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SpecPromptError("E_LOCK", `${LOCK_FILE} is not valid JSON (${(error as Error).message})`, {
      location: { file: path },
      hint: "restore it from version control (git checkout -- specprompt.lock), or delete it to rebuild every unit",
    });
  }
  const result = lockSchema.safeParse(data);
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

/** The lock as committed: sorted keys, two-space indent, trailing newline. */
export function serializeLock(lock: Lock): string {
  return `${stableStringify(lock, 2)}\n`;
}
