// Writes a synthetic package of N independent units and builds it once through the library with
// an in-process model, so that benchmarks start from a built, locked, cached package.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Create (or recreate) a built package with `units` units (of `filesPerUnit` files each) under `dir`. */
export async function makeBuiltPackage(dir, units, { filesPerUnit = 1 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "units"), { recursive: true });
  const lines = [
    "name: bench",
    "version: 1.0.0",
    "core: core.md",
    "guide: guide.md",
    "model: openai:bench-model",
    "out: .",
    "params: { license: MIT }",
    "units:",
  ];
  for (let i = 0; i < units; i++) {
    lines.push(`  u${i}: { prompt: units/u${i}.md, owns: [${ownedFiles(i, filesPerUnit).join(", ")}] }`);
    writeFileSync(
      join(dir, "units", `u${i}.md`),
      `Write src/u${i}.js exporting value${i}() that returns ${i}.\n`,
    );
  }
  writeFileSync(join(dir, "specprompt.yaml"), `${lines.join("\n")}\n`);
  writeFileSync(join(dir, "core.md"), "# bench\n\nA package with many small units.\n");
  writeFileSync(join(dir, "guide.md"), "Plain ES modules; license {{license}}.\n");
  const { runBuild } = await import("../dist/lib/index.js");
  const result = await runBuild({
    dir,
    cwd: process.cwd(),
    env: {},
    concurrency: 16,
    createProvider: async () => inProcessWriter(filesPerUnit),
  });
  if (result.status !== "built") throw new Error(`bench package did not build: ${result.status}`);
  return result;
}

/** The files unit `i` owns: `src/u<i>.js`, then `src/u<i>/f<n>.js` when it has more. */
function ownedFiles(i, count) {
  return [`src/u${i}.js`, ...Array.from({ length: count - 1 }, (_, n) => `src/u${i}/f${n + 1}.js`)];
}

/** A chat provider that writes the unit's owned files, then says it is done. */
export function inProcessWriter(filesPerUnit = 1) {
  return {
    kind: "chat",
    id: "openai:bench-model",
    async complete(request) {
      const last = request.messages.at(-1);
      if (last.role === "tool")
        return {
          text: "done",
          toolCalls: [],
          usage: { inputTokens: 10, outputTokens: 2 },
          finishReason: "stop",
        };
      const unit = /## Your task: unit `u(\d+)`/.exec(last.content)[1];
      const content = `export function value${unit}() {\n  return ${unit};\n}\n`;
      return {
        text: "",
        toolCalls: ownedFiles(unit, filesPerUnit).map((path, n) => ({
          id: `call-${unit}-${n}`,
          name: "write_file",
          input: { path, content },
        })),
        usage: { inputTokens: 100, outputTokens: 20 },
        finishReason: "tool-calls",
      };
    },
  };
}
