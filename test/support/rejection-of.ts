import { SpecPromptError } from "../../src/errors.js";

/** The SpecPromptError a promise rejects with; fails the test if it resolves or throws anything else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<SpecPromptError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof SpecPromptError))
    throw new Error(`expected a SpecPromptError, got ${String(error)}`);
  return error;
}
