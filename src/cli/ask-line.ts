import { createInterface } from "node:readline/promises";

/** One line of answer from the terminal; the question goes to stderr so stdout stays the report. */
export async function askLine(question: string): Promise<string> {
  const reader = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await reader.question(question);
  } finally {
    reader.close();
  }
}
