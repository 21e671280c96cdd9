import { SpecPromptError } from "../errors.js";
import type { Lock } from "../lock/lock-schema.js";
import { readLock } from "../lock/read-lock.js";
import { loadPackage } from "../package/load-package.js";
import type { LoadedPackage } from "../package/types.js";
import type { ChatRequest, Message } from "../providers/types.js";
import { assemblePrompt, WRITE_FILE_TOOL } from "./assemble-prompt.js";
import type { PackageArgs } from "./build-types.js";
import { readNeededFiles, type UnitFiles } from "./generate-unit.js";
import { withoutHandwritten } from "./handwritten.js";
import { findMissingOutputs } from "./missing-outputs.js";
import { type BuildPlan, planBuild } from "./plan-build.js";

export type { PackageArgs } from "./build-types.js";

/** What `specprompt plan` reports: the plan a build would follow, computed without a model. */
export async function planPackage(
  args: PackageArgs,
): Promise<{ pkg: LoadedPackage; lock: Lock | undefined; plan: BuildPlan; warnings: string[] }> {
  const { pkg, warnings } = await loadPackage(args.dir, args);
  const lock = withoutHandwritten(await readLock(pkg.dir, pkg.target), pkg);
  return { pkg, lock, plan: planBuild(pkg, lock, findMissingOutputs(pkg, lock)), warnings };
}

/** The exact first request a unit's build sends (chat), or the agent's prompt text (cmd:). */
export interface UnitPromptView {
  unit: string;
  model: string;
  kind: "chat" | "agent";
  request?: ChatRequest;
  prompt?: string;
}

/** Assemble a unit's prompt from the package and the current files of the units it needs. */
export async function showUnitPrompt(args: PackageArgs & { unit?: string }): Promise<UnitPromptView> {
  const { pkg } = await loadPackage(args.dir, args);
  const names = pkg.units.map((unit) => unit.name);
  const name = args.unit ?? (names.length === 1 ? names[0] : undefined);
  if (!name)
    throw new SpecPromptError("E_USAGE", "this package has several units; choose one with --unit", {
      hint: `units: ${names.join(", ")}`,
    });
  const unit = pkg.units.find((candidate) => candidate.name === name);
  if (!unit)
    throw new SpecPromptError("E_USAGE", `no unit named '${name}'`, { hint: `units: ${names.join(", ")}` });
  const lock = await readLock(pkg.dir, pkg.target);
  const needed = new Map<string, UnitFiles>();
  for (const need of unit.needs) needed.set(need, { hashes: lock?.units[need]?.outputs ?? {} });
  const isAgent = unit.model.startsWith("cmd:");
  const assembled = assemblePrompt(
    pkg,
    unit,
    await readNeededFiles(pkg.outDir, unit, needed),
    isAgent ? "agent" : "chat",
  );
  if (isAgent)
    return {
      unit: name,
      model: unit.model,
      kind: "agent",
      prompt: `${assembled.system}\n\n${assembled.user}`,
    };
  const messages: Message[] = [
    { role: "system", content: assembled.system },
    { role: "user", content: assembled.user },
  ];
  const request: ChatRequest = {
    model: unit.model.slice(unit.model.indexOf(":") + 1),
    messages,
    tools: [WRITE_FILE_TOOL],
    params: unit.modelParams,
  };
  return { unit: name, model: unit.model, kind: "chat", request };
}
