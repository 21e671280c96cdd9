// Bundles the CLI and the library with esbuild. The CLI is bundled on its own so that its entry
// holds everything `--help` and `--version` need in one file; each command, and each provider, is a
// chunk loaded only when used. Fewer modules to resolve at start-up is most of start-up time.
import { readFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const common = {
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: "linked",
  chunkNames: "[name]-[hash]",
  define: { __SPECPROMPT_VERSION__: JSON.stringify(pkg.version) },
  // CommonJS dependencies (picomatch) call require() for Node built-ins. The real require is made
  // on first use: most chunks never call it, and createRequire costs start-up time in each one.
  banner: {
    js: "import { createRequire as __spCreateRequire } from 'node:module'; let __spRequire; const require = (id) => (__spRequire ??= __spCreateRequire(import.meta.url))(id);",
  },
  logLevel: "warning",
};

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await Promise.all([
  build({ ...common, entryPoints: { cli: "src/cli/run-cli.ts" }, outdir: "dist/cli" }),
  build({
    ...common,
    entryPoints: { index: "src/index.ts", help: "src/cli/commands.ts" },
    outdir: "dist/lib",
  }),
  // `build` with nothing to do and `status` from its index, in CommonJS: answered before Node's ESM
  // loader starts (bin/specprompt.js). One bundle each, with nothing shared: each run loads one file.
  build({
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    define: common.define,
    entryPoints: {
      build: "src/cli/fast-build.ts",
      status: "src/cli/fast-status.ts",
      daemon: "src/cli/fast-daemon.ts",
    },
    outdir: "dist/fast",
    outExtension: { ".js": ".cjs" },
    logLevel: "warning",
  }),
]);

// `specprompt --help` is static text: written out once here and printed by bin/specprompt.js
// without starting the ESM loader (the test suite checks it against the CLI's own rendering).
const { renderMainHelp } = await import(new URL("../dist/lib/help.js", import.meta.url).href);
await writeFile(new URL("../dist/fast/help.txt", import.meta.url), renderMainHelp());
