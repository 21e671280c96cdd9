/** The JSON-decoded tool input, or the raw string when it is not JSON (the caller validates). */
export function parseToolInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}
