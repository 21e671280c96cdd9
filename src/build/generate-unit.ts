import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LoadedPackage, LoadedUnit } from "../package/types.js";
import type { AgentProvider, ChatProvider } from "../providers/types.js";
import { asList } from "../util/as-list.js";
import { type AssembledPrompt, assemblePrompt, type NeededFile } from "./assemble-prompt.js";
import { type BuildContext, scratchDir } from "./build-context.js";
import { generateWithAgent } from "./generate-with-agent.js";
import { generateWithChat, type UnitGeneration } from "./generate-with-chat.js";
import { createOutputGuard, type OutputGuard, protectedMatcher } from "./output-guard.js";
import { stampFiles } from "./stamp.js";

/** The files a finished unit has in this build: path → content (when known) and hash. */
export interface UnitFiles {
  hashes: Record<string, string>;
  /** Pending content for files this build wrote; absent for files already on disk. */
  contents?: ReadonlyMap<string, string>;
}

/** Generate one unit with its model: assemble the prompt, run the chat or agent driver. */
export async function generateUnit(
  ctx: BuildContext,
  unit: LoadedUnit,
  needed: ReadonlyMap<string, UnitFiles>,
  overlay: ReadonlyMap<string, string | null>,
): Promise<UnitGeneration & { prompt: AssembledPrompt }> {
  const { pkg } = ctx;
  const neededFiles = await readNeededFiles(pkg.outDir, unit, needed);
  const isAgent = unit.model.startsWith("cmd:");
  const prompt = assemblePrompt(pkg, unit, neededFiles, isAgent ? "agent" : "chat");
  return { ...(await sendUnit(ctx, unit, { prompt, overlay })), prompt };
}

/**
 * Send a unit's prompt to its chat model or agent. A refinement round adds `followUp` after the
 * original messages (for an agent, after the original prompt) and may change nothing.
 */
export function sendUnit(
  ctx: BuildContext,
  unit: LoadedUnit,
  round: { prompt: AssembledPrompt; overlay: ReadonlyMap<string, string | null>; followUp?: string },
): Promise<UnitGeneration> {
  const { pkg } = ctx;
  const { prompt, overlay, followUp } = round;
  const guard = createUnitGuard(pkg, unit);
  // A stamped file is what the build writes and what the lock hashes.
  const stamp = (generation: UnitGeneration) =>
    ctx.stamp ? stampFiles(generation, pkg.manifest.name, unit.name) : generation;
  if (unit.model.startsWith("cmd:")) {
    return generateWithAgent({
      unit: unit.name,
      modelId: unit.model,
      owns: unit.owns,
      prompt: followUp === undefined ? prompt : { ...prompt, user: `${prompt.user}\n${followUp}` },
      guard,
      cache: ctx.cache,
      offline: ctx.offline,
      getProvider: () => ctx.getProvider(unit.model) as Promise<AgentProvider>,
      outDir: pkg.outDir,
      overlay,
      protectedInOut: protectedMatcher(pkg.outDir, pkg.dir, pkg.protectedPaths),
      workDir: join(scratchDir(pkg.dir, ctx.buildId), `agent-${unit.name}`),
      timeoutMs: ctx.providerEnv.timeoutMs,
      signal: ctx.signal,
    }).then(stamp);
  }
  return generateWithChat({
    unit: unit.name,
    modelId: unit.model,
    params: unit.modelParams,
    prompt,
    followUp,
    allowNoFiles: followUp !== undefined,
    guard,
    cache: ctx.cache,
    offline: ctx.offline,
    getProvider: () => ctx.getProvider(unit.model) as Promise<ChatProvider>,
    signal: ctx.signal,
    onRequest: (event) =>
      ctx.report({ type: "unit-request", unit: unit.name, ...event, tokens: event.usage }),
  }).then(stamp);
}

/** The guard every write of `unit` goes through, whichever way its files come. */
export function createUnitGuard(pkg: LoadedPackage, unit: LoadedUnit): OutputGuard {
  return createOutputGuard({
    outDir: pkg.outDir,
    packageDir: pkg.dir,
    owns: unit.owns,
    tests: testGlobs(pkg),
    handwritten: asList(pkg.manifest.handwritten),
    protectedPaths: pkg.protectedPaths,
  });
}

/** The current files of the units `unit` needs, pending content first, else from disk. */
export async function readNeededFiles(
  outDir: string,
  unit: LoadedUnit,
  needed: ReadonlyMap<string, UnitFiles>,
): Promise<NeededFile[]> {
  const files: NeededFile[] = [];
  for (const name of unit.needs) {
    const state = needed.get(name);
    if (!state) continue;
    for (const path of Object.keys(state.hashes).sort()) {
      const content = state.contents?.get(path) ?? readFileSync(join(outDir, path), "utf8");
      files.push({ unit: name, path, content });
    }
  }
  return files;
}

/** The manifest's validation test globs (relative to out): new files matching them are tests too. */
export function testGlobs(pkg: LoadedPackage): string[] {
  return asList(pkg.manifest.validation?.tests);
}
