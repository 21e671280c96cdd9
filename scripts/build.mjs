// Bundles the CLI and the library with esbuild. One file per entry plus lazily loaded chunks:
// fewer modules to resolve at start-up is most of what makes `specprompt --version` fast.
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/run-cli.ts", index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  chunkNames: "chunks/[name]-[hash]",
  define: { __SPECPROMPT_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies (picomatch) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __spCreateRequire } from 'node:module'; const require = __spCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
