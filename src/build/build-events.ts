import type { RetryEvent } from "../providers/types.js";
import type { BuildPlan, UnitAction } from "./plan-build.js";
import type { ValidationResult } from "./run-validation.js";

/** What a build tells its reporter as it goes; the CLI renders these as progress. */
export type BuildEvent =
  | { type: "plan"; plan: BuildPlan }
  | { type: "unit-start"; unit: string; action: UnitAction; model: string }
  | { type: "unit-request"; unit: string; cached: boolean; tokens: { input: number; output: number } }
  | {
      type: "unit-done";
      unit: string;
      files: number;
      cached: boolean;
      tokens: { input: number; output: number };
    }
  | { type: "unit-kept"; unit: string }
  | { type: "retry"; unit?: string; retry: RetryEvent }
  | { type: "validation-start"; command: string; iteration: number; maxIterations: number }
  | {
      type: "validation-done";
      result: ValidationResult;
      iteration: number;
      maxIterations: number;
      /** Failing tests read from the output (0 when none could be read). */
      failed: number;
    }
  /** A round of refinement starts: `units` get the failures back (`iteration` is the round about to run). */
  | { type: "refine-start"; units: string[]; iteration: number; maxIterations: number }
  | {
      type: "refine-done";
      unit: string;
      changed: number;
      cached: boolean;
      tokens: { input: number; output: number };
    }
  | { type: "commit"; files: number };
