import { posix } from "node:path";

const JS_FROM = /\b(?:import|export)\b[^;'"`]*?\bfrom\s*["']([^"'\n]+)["']/g;
const JS_BARE = /\bimport\s*["']([^"'\n]+)["']/g;
const JS_CALL = /\b(?:import|require)\s*\(\s*["']([^"'\n]+)["']\s*\)/g;
const PY_FROM = /^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import\b/gm;
const PY_IMPORT = /^[ \t]*import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*)/gm;

const SCRIPT_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".mts", ".cts", ".json"];
const TS_FOR_JS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/** The module specifiers a test file imports: ES imports and re-exports, `import()`, `require()`, Python imports. */
export function readImports(path: string, content: string): string[] {
  const found = new Set<string>();
  if (path.endsWith(".py")) {
    for (const match of content.matchAll(PY_FROM)) found.add(match[1]!);
    for (const match of content.matchAll(PY_IMPORT)) {
      for (const name of match[1]!.split(",")) found.add(name.trim());
    }
  } else {
    for (const pattern of [JS_FROM, JS_BARE, JS_CALL]) {
      for (const match of content.matchAll(pattern)) found.add(match[1]!);
    }
  }
  return [...found];
}

/**
 * The file (relative to out) a specifier in `from` names, among `known` files; undefined for
 * packages and for files that are not known. Resolves the way Node, TypeScript's `.js`-for-`.ts`
 * convention and Python's package imports do, without touching the disk.
 */
export function resolveImport(
  from: string,
  specifier: string,
  known: ReadonlySet<string>,
): string | undefined {
  const candidates = from.endsWith(".py")
    ? pythonCandidates(from, specifier)
    : scriptCandidates(from, specifier);
  return candidates.find((candidate) => known.has(candidate));
}

function scriptCandidates(from: string, specifier: string): string[] {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return [];
  const base = posix.normalize(posix.join(posix.dirname(from), specifier.split("?")[0]!));
  const extension = posix.extname(base);
  const stem = extension ? base.slice(0, -extension.length) : base;
  return [
    base,
    ...(TS_FOR_JS[extension] ?? []).map((ts) => stem + ts),
    ...SCRIPT_EXTENSIONS.map((ext) => base + ext),
    ...SCRIPT_EXTENSIONS.map((ext) => `${base}/index${ext}`),
  ];
}

function pythonCandidates(from: string, specifier: string): string[] {
  const dots = /^\.*/.exec(specifier)![0].length;
  const modulePath = specifier.slice(dots).split(".").filter(Boolean).join("/");
  const roots =
    dots > 0
      ? [posix.join(posix.dirname(from), ...Array(dots - 1).fill(".."))]
      : [".", posix.dirname(from), "src"];
  return roots.flatMap((root) => {
    const base = posix.normalize(posix.join(root, modulePath));
    return [`${base}.py`, `${base}/__init__.py`];
  });
}
