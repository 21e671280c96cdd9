import { UsageError } from "../errors.js";
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

/** `--target`, for commands that work on the targets of a package with `targets`. */
export const TARGET_OPTION: Record<string, OptionSpec> = {
  target: {
    type: "string",
    multiple: true,
    value: "name",
    description: "Only this target of a package with targets (repeatable; default: every target)",
  },
};

/** The `--target` values given, or undefined for every target. */
export function targetArgs(values: Record<string, unknown>): string[] | undefined {
  const given = values.target as string | string[] | undefined;
  const list = given === undefined ? [] : typeof given === "string" ? [given] : given;
  if (list.length === 0) return undefined;
  const names = list.flatMap((value) => value.split(",")).map((name) => name.trim());
  if (names.some((name) => name === ""))
    throw new UsageError("--target needs a target name", "e.g. --target ts, or --target ts,py");
  return names;
}

/** The package folder argument and the package flags, as loadPackage takes them. */
export function packageArgs(values: Record<string, unknown>, positionals: string[]) {
  return {
    dir: positionals[0] ?? ".",
    set: parseSetFlags((values.set as string[] | undefined) ?? []),
    model: values.model as string | undefined,
  };
}
