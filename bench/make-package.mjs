// Writes a synthetic package of N independent units and builds it once through the library with
// an in-process model, so that benchmarks start from a built, locked, cached package.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Create (or recreate) a built package with `units` units under `dir`. */
export async function makeBuiltPackage(dir, units) {
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
    lines.push(`  u${i}: { prompt: units/u${i}.md, owns: [src/u${i}.js] }`);
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
    createProvider: async () => inProcessWriter(),
  });
  if (result.status !== "built") throw new Error(`bench package did not build: ${result.status}`);
  return result;
}

/** A chat provider that writes the unit's one owned file, then says it is done. */
export function inProcessWriter() {
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
        toolCalls: [{ id: `call-${unit}`, name: "write_file", input: { path: `src/u${unit}.js`, content } }],
        usage: { inputTokens: 100, outputTokens: 20 },
        finishReason: "tool-calls",
      };
    },
  };
}
