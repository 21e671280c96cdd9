import { z } from "zod";
import { isContainedPath } from "./contained-path.js";
import { importsSchema } from "./imports/import-schema.js";
import { MODEL_ID_PATTERN } from "./model-id.js";
import { paramNamePattern } from "./render-params.js";

/** `name`, `@scope/name`: lowercase letters, digits and '-'. */
const packageName = z
  .string()
  .regex(
    /^(@[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*$/,
    "use lowercase letters, digits and '-', optionally with an @scope/ prefix",
  );

/** Semantic version, always explicit (`0.3.0`, `1.0.0-rc.1`). */
const semver = z
  .string()
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/,
    "use a semantic version such as 0.1.0",
  );

/** `provider:model`; also checks `--model` and SPECPROMPT_MODEL. */
export const modelIdSchema = z
  .string()
  .regex(MODEL_ID_PATTERN, "use provider:model, e.g. openai:gpt-4o-mini or cmd:<command>");

const relativePath = z
  .string()
  .min(1, "must not be empty")
  .refine(
    isContainedPath,
    "must be a relative path inside the package folder (not absolute, no '..' out of it)",
  );
const globList = z.union([relativePath, z.array(relativePath)]);
/** Paths relative to `out` (tests, owns) must stay inside the generated tree. */
const outPath = z
  .string()
  .min(1, "must not be empty")
  .refine(isContainedPath, "must be a relative path inside out (not absolute, no '..' out of it)");
const outGlobList = z.union([outPath, z.array(outPath)]);

/** Sampling settings; part of every unit's inputs. */
export const modelParamsSchema = z
  .strictObject({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    maxTokens: z.number().int().positive().optional(),
    seed: z.number().int().optional(),
  })
  .describe("Model parameters sent with every request; changing one regenerates what uses it.");

/** `600` (seconds) or `"10m"`, `"90s"`, `"1h"`. */
const duration = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, "use a number of seconds or a duration such as 90s, 10m, 1h"),
]);

export const validationSchema = z.strictObject({
  criteria: relativePath.optional().describe("Acceptance criteria (Markdown), given to the model."),
  tests: outGlobList
    .optional()
    .describe("Hand-written tests, relative to out. The model may read them, never write them."),
  command: z.string().min(1).optional().describe("Run in a staging copy of out; exit 0 means valid."),
  timeout: duration.optional().describe("Kill the validation command after this long (default 10m)."),
  maxIterations: z
    .number()
    .int()
    .min(1)
    .max(20)
    .optional()
    .describe("Refine rounds before giving up (default 3)."),
  env: z.array(z.string().min(1)).optional().describe("Environment variables passed through to the command."),
  requireCoverage: z
    .boolean()
    .optional()
    .describe("Every criterion id (AC-1, ...) must be named by a test: build and check fail otherwise."),
});

export const unitSchema = z.strictObject({
  prompt: relativePath.describe("The unit's own prompt (Markdown), relative to the manifest."),
  owns: outGlobList.describe("Output paths and globs (relative to out) this unit writes."),
  needs: z.array(z.string()).optional().describe("Units generated first; their current files are context."),
  model: modelIdSchema.optional().describe("Overrides the package model for this unit."),
  modelParams: modelParamsSchema.optional(),
});

const paramValue = z.union([z.string(), z.number(), z.boolean()]);
const paramsRecord = z.record(
  z.string().regex(paramNamePattern, "use letters, digits, '_', '.' and '-', starting with a letter or '_'"),
  paramValue,
);

/** What a target may change about a unit: where its files go and which model writes them. */
const targetUnitSchema = z.strictObject({
  owns: outGlobList.optional().describe("Output paths and globs (relative to the target's out)."),
  model: modelIdSchema.optional(),
  modelParams: modelParamsSchema.optional(),
});

/** One stack the core builds to: its own guide and output tree, and whatever else differs. */
export const targetSchema = z.strictObject({
  guide: relativePath.optional().describe("Generation guide of this target (default: the package's guide)."),
  out: relativePath.describe("Root of this target's generated tree, relative to the manifest."),
  params: paramsRecord.optional().describe("Params for this target, over the package's (--set still wins)."),
  model: modelIdSchema.optional().describe("Default model of this target."),
  modelParams: modelParamsSchema.optional(),
  validation: validationSchema
    .optional()
    .describe("Validation of this target; each field set here replaces the package's."),
  handwritten: outGlobList.optional().describe("Hand-owned files of this target's out."),
  units: z
    .record(z.string(), targetUnitSchema)
    .optional()
    .describe("Per-unit changes for this target (owns, model)."),
});

/** Price in USD per million tokens. */
const price = z.strictObject({ input: z.number().nonnegative(), output: z.number().nonnegative() });

export const manifestSchema = z
  .strictObject({
    $schema: z.string().optional().describe("URL or path of this JSON Schema, for editors."),
    name: packageName.describe("Package name: lowercase letters, digits and '-', optionally @scope/."),
    version: semver.describe("Semantic version of the package, always explicit."),
    description: z.string().optional().describe("One line about what the package builds."),
    kind: z
      .enum(["code", "prompt", "library"])
      .default("code")
      .describe(
        "code: builds a code tree from units; prompt: a runtime prompt template with evals; library: layers other packages import.",
      ),
    core: relativePath.optional().describe("Core prompt: purpose, user stories, key behaviours (Markdown)."),
    context: globList.optional().describe("Context documents: APIs, schemas, data models, business rules."),
    guide: relativePath.optional().describe("Generation guide: architecture, stack, constraints."),
    model: modelIdSchema.optional().describe("Default model; --model and SPECPROMPT_MODEL override."),
    modelParams: modelParamsSchema.optional(),
    out: relativePath.default(".").describe("Root of the generated tree, relative to the manifest."),
    handwritten: outGlobList
      .optional()
      .describe(
        "Hand-owned files in out: tracked in the lock, read by the model as context, never generated.",
      ),
    params: paramsRecord.optional().describe("Values layers refer to as {{name}}."),
    validation: validationSchema.optional(),
    imports: importsSchema.optional(),
    targets: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, "use lowercase letters, digits, '-' and '_'"),
        targetSchema,
      )
      .optional()
      .describe(
        "kind: code — build one core to several stacks, each with its own guide, out and lock section.",
      ),
    units: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "use letters, digits, '-' and '_'"), unitSchema)
      .optional(),
    pricing: z
      .record(z.string(), price)
      .optional()
      .describe("USD per million tokens by model id, for cost reports."),
    template: relativePath.optional().describe("kind: prompt — the template with {{variables}}."),
    evals: globList.optional().describe("kind: prompt — case files (YAML, JSONL, CSV)."),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("kind: prompt — the pass rate a version must reach."),
    grader: modelIdSchema
      .optional()
      .describe("kind: prompt — the model that grades llm-rubric assertions; defaults to model."),
  })
  .superRefine((manifest, ctx) => {
    if (manifest.kind === "code" && !manifest.core) {
      ctx.addIssue({
        code: "custom",
        path: ["core"],
        message: "a code package needs a core prompt (core: core.md)",
      });
    }
    if (manifest.kind === "prompt" && !manifest.template) {
      ctx.addIssue({ code: "custom", path: ["template"], message: "a prompt package needs a template" });
    }
  });

export type Manifest = z.output<typeof manifestSchema>;
export type UnitSpec = z.output<typeof unitSchema>;
export type ValidationSpec = z.output<typeof validationSchema>;
export type ModelParamsSpec = z.output<typeof modelParamsSchema>;
export type TargetSpec = z.output<typeof targetSchema>;
