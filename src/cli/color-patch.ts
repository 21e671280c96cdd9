const PAINT = { header: "\x1b[1m", hunk: "\x1b[36m", removed: "\x1b[31m", added: "\x1b[32m" } as const;
const RESET = "\x1b[0m";

/** A unified diff coloured as git colours it: file headers bold, hunk headers cyan, removed red, added green. */
export function colorizePatch(patch: string): string {
  return patch
    .split("\n")
    .map((line) => {
      const paint =
        line.startsWith("---") || line.startsWith("+++")
          ? PAINT.header
          : line.startsWith("@@")
            ? PAINT.hunk
            : line.startsWith("-")
              ? PAINT.removed
              : line.startsWith("+")
                ? PAINT.added
                : undefined;
      return paint ? `${paint}${line}${RESET}` : line;
    })
    .join("\n");
}
