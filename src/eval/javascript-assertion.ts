import { pathToFileURL } from "node:url";
import { SpecPromptError } from "../errors.js";
import type { PackageFiles } from "./package-files.js";

/** What a javascript assertion's function receives besides the output. */
export interface JavascriptContext {
  vars: Record<string, unknown>;
  latencyMs: number;
  cost?: number;
  usage: { inputTokens: number; outputTokens: number };
}

export type JavascriptFunction = (output: string, context: JavascriptContext) => unknown;

/** A javascript assertion compiled once; `load` resolves to the function (importing a module the first time). */
export interface CompiledJavascript {
  /** `file://checks.js:isPolite` or the expression, for reasons. */
  label: string;
  load(): Promise<JavascriptFunction>;
}

const modulePattern = /^file:\/\/(.+?\.(?:js|mjs|cjs))(?::([A-Za-z_$][\w$]*))?$/;
// biome-ignore lint/complexity/useArrowFunction: the constructor of async functions is only reachable this way
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as FunctionConstructor;

/**
 * Compiles `value`: an expression (`output.length < 100`), a function body with `return`, or
 * `file://path.js[:name]` (relative to the package) exporting a function (named, else default).
 * Syntax errors and missing modules throw here, so a case file reports them at load.
 */
export function compileJavascript(value: string, files: PackageFiles): CompiledJavascript {
  const module = modulePattern.exec(value.trim());
  if (module) return compileModule(module[1]!, module[2], files);
  if (value.startsWith("file://")) {
    throw new Error(
      `'${value}' is not a JavaScript module: use file://path.js (or .mjs, .cjs)[:functionName]`,
    );
  }
  const fn = compileSource(value);
  return { label: value.trim(), load: () => Promise.resolve(fn) };
}

function compileSource(source: string): JavascriptFunction {
  const make = source.includes("await") ? AsyncFunction : Function;
  try {
    // An expression first: `output.includes("x")` must not become a body that returns nothing.
    return make("output", "context", `return (${source}\n);`) as JavascriptFunction;
  } catch {
    try {
      return make("output", "context", source) as JavascriptFunction;
    } catch (error) {
      throw new Error(`javascript does not parse: ${(error as Error).message}`);
    }
  }
}

function compileModule(path: string, name: string | undefined, files: PackageFiles): CompiledJavascript {
  const rel = files.resolve("", path);
  const absolute = files.locate(rel);
  const label = `file://${rel}${name ? `:${name}` : ""}`;
  let loading: Promise<JavascriptFunction> | undefined;
  const load = async (): Promise<JavascriptFunction> => {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
    } catch (error) {
      throw new SpecPromptError(
        "E_CASES",
        `${label}: the module does not load: ${(error as Error).message}`,
        {
          cause: error,
          location: { file: rel },
        },
      );
    }
    const candidate = name === undefined ? exports.default : (exports[name] ?? readDefault(exports, name));
    if (typeof candidate !== "function") {
      const exported = Object.keys(exports).join(", ") || "nothing";
      throw new SpecPromptError("E_CASES", `${label}: not a function`, {
        location: { file: rel },
        hint: `export a function${name ? ` named ${name}` : " as default"}; the module exports ${exported}`,
      });
    }
    return candidate as JavascriptFunction;
  };
  return { label, load: () => (loading ??= load()) };
}

/** A CommonJS module's exports arrive as `default`. */
function readDefault(exports: Record<string, unknown>, name: string): unknown {
  const fallback = exports.default;
  return fallback !== null && typeof fallback === "object"
    ? (fallback as Record<string, unknown>)[name]
    : undefined;
}
