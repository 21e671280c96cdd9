import { parseSetFlags } from "../package/render-params.js";
import type { OptionSpec } from "./command.js";

/** Flags of every command that loads a package. */
export const PACKAGE_OPTIONS: Record<string, OptionSpec> = {
  set: {
    type: "string",
    multiple: true,
    value: "key=value",
    description: "Override a param of the manifest",
  },
  model: {
    type: "string",
    value: "provider:model",
    description: "Use this model for every unit (overrides the manifest and SPECPROMPT_MODEL)",
  },
};

/** The package folder argument and the package flags, as loadPackage takes them. */
export function packageArgs(values: Record<string, unknown>, positionals: string[]) {
  return {
    dir: positionals[0] ?? ".",
    set: parseSetFlags((values.set as string[] | undefined) ?? []),
    model: values.model as string | undefined,
  };
}
