import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { SpecPromptError, UsageError } from "../errors.js";
import { paramNamePattern } from "../package/render-params.js";
import type { ModelParams } from "../providers/types.js";
import { type LoadPromptPackageOptions, loadPromptPackage } from "./load-prompt-package.js";
import type { PromptMessage } from "./types.js";

export interface TemplatePromptArgs extends LoadPromptPackageOptions {
  /** Package folder or manifest path, relative to cwd. */
  dir: string;
  /** `--vars name=value`; they win over the file's vars and the manifest params. */
  vars?: Record<string, string>;
  /** `--vars-file f.json|f.yaml`, relative to cwd: a map of vars. */
  varsFile?: string;
}

/** What `specprompt prompt` shows for a runtime prompt: exactly the request the eval runner sends. */
export interface TemplatePromptView {
  model: string;
  params: ModelParams;
  messages: PromptMessage[];
}

/** Renders a `kind: prompt` package's template with the given vars (manifest params are the defaults). */
export async function showTemplatePrompt(args: TemplatePromptArgs): Promise<TemplatePromptView> {
  const pkg = await loadPromptPackage(args.dir, args);
  const fileVars = args.varsFile === undefined ? {} : readVarsFile(args.varsFile, args.cwd);
  const messages = pkg.template.render({ ...fileVars, ...args.vars });
  return { model: pkg.model, params: pkg.modelParams, messages };
}

/** Parses repeated `--vars name=value` flags; the last value of a name wins. */
export function parseVarFlags(values: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const value of values) {
    const equals = value.indexOf("=");
    const name = equals < 0 ? value : value.slice(0, equals);
    if (equals < 0 || !paramNamePattern.test(name)) {
      throw new UsageError(
        `--vars expects name=value, got '${value}'`,
        "pass one variable per flag, e.g. --vars question='Where is my order?'; for objects use --vars-file",
      );
    }
    vars[name] = value.slice(equals + 1);
  }
  return vars;
}

function readVarsFile(path: string, cwd: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = parseYaml(readFileSync(resolve(cwd, path), "utf8"));
  } catch (error) {
    throw new SpecPromptError("E_USAGE", `--vars-file ${path}: ${(error as Error).message.split("\n")[0]}`, {
      cause: error,
      hint: 'give a JSON or YAML file holding a map of variables, e.g. {"question": "Hi"}',
    });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new SpecPromptError("E_USAGE", `--vars-file ${path}: expected a map of variables`, {
      hint: 'e.g. {"question": "Hi", "user": {"name": "Ada"}}',
    });
  }
  return data as Record<string, unknown>;
}
