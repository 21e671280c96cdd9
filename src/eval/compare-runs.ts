/**
 * Version against version: results are paired by case, repeat and model position as they
 * arrive (a pair is forgotten once both halves are in), then judged with the exact McNemar test.
 */
import { judgeChange, mcnemarExact } from "./mcnemar.js";
import type { ChangedCase, CompareReport, ResultRecord, SideSummary } from "./run-types.js";

interface Half {
  pass: boolean;
  change: ChangedCase;
}

export interface Pairing {
  add(record: ResultRecord): void;
  readonly counts: { pairs: number; bothPass: number; bothFail: number };
  readonly newlyFailing: ChangedCase[];
  readonly newlyPassing: ChangedCase[];
}

/** Pairs results of the two sides and keeps the discordant pairs. */
export function createPairing(): Pairing {
  const waiting = new Map<string, Half & { side: ResultRecord["side"] }>();
  const counts = { pairs: 0, bothPass: 0, bothFail: 0 };
  const newlyFailing: ChangedCase[] = [];
  const newlyPassing: ChangedCase[] = [];
  return {
    counts,
    newlyFailing,
    newlyPassing,
    add(record) {
      const key = `${record.caseIndex}|${record.repeat}|${record.modelIndex}`;
      const other = waiting.get(key);
      const half = { side: record.side, pass: record.pass, change: describeChange(record) };
      if (!other || other.side === record.side) {
        waiting.set(key, half);
        return;
      }
      waiting.delete(key);
      const [baseline, current] = record.side === "current" ? [other, half] : [half, other];
      counts.pairs++;
      if (baseline.pass && current.pass) counts.bothPass++;
      else if (!baseline.pass && !current.pass) counts.bothFail++;
      else if (baseline.pass) newlyFailing.push(current.change);
      else newlyPassing.push(baseline.change);
    },
  };
}

/** The comparison report from the paired results and both versions' summaries. */
export function compareVersions(input: {
  pairing: Pairing;
  baseline: SideSummary;
  current: SideSummary;
  label: CompareReport["baseline"];
  alpha?: number;
}): CompareReport {
  const { pairing, baseline, current } = input;
  const alpha = input.alpha ?? 0.05;
  const failing = pairing.newlyFailing.length;
  const passing = pairing.newlyPassing.length;
  const pValue = mcnemarExact(failing, passing);
  const change = (before: number, after: number) => ({
    baseline: before,
    current: after,
    change: after - before,
  });
  const cost: CompareReport["cost"] = {};
  if (baseline.cost !== undefined) cost.baseline = baseline.cost;
  if (current.cost !== undefined) cost.current = current.cost;
  if (baseline.cost !== undefined && current.cost !== undefined) {
    cost.change = Math.round((current.cost - baseline.cost) * 1e6) / 1e6;
  }
  return {
    baseline: input.label,
    pairs: pairing.counts.pairs,
    newlyFailing: sortChanges(pairing.newlyFailing),
    newlyPassing: sortChanges(pairing.newlyPassing),
    passRate: change(baseline.passRate, current.passRate),
    pValue,
    alpha,
    verdict: judgeChange(failing, passing, alpha),
    cost,
    latencyMs: {
      p50: change(baseline.latencyMs.p50, current.latencyMs.p50),
      p95: change(baseline.latencyMs.p95, current.latencyMs.p95),
    },
  };
}

/** The one line that says why a result failed (or, for a pass, that it passed). */
export function failureReason(record: ResultRecord): string {
  if (record.error !== undefined) return record.error;
  const failed = record.assertions.find((assertion) => !assertion.pass && assertion.weight > 0);
  const any = failed ?? record.assertions.find((assertion) => !assertion.pass);
  if (any) return `${any.type}: ${any.reason}`;
  return record.pass ? "passed" : "score below the case threshold";
}

function describeChange(record: ResultRecord): ChangedCase {
  return {
    caseId: record.caseId,
    ...(record.description !== undefined && { description: record.description }),
    repeat: record.repeat,
    model: record.model,
    reason: failureReason(record),
  };
}

/** In case-file order, so reports read like the case files. */
function sortChanges(changes: ChangedCase[]): ChangedCase[] {
  return [...changes].sort(
    (a, b) => compareIds(a.caseId, b.caseId) || a.repeat - b.repeat || a.model.localeCompare(b.model),
  );
}

/** `file#index` ids compared by file, then by index as a number. */
function compareIds(a: string, b: string): number {
  const [fileA, indexA] = splitId(a);
  const [fileB, indexB] = splitId(b);
  return fileA.localeCompare(fileB) || indexA - indexB;
}

function splitId(id: string): [string, number] {
  const hash = id.lastIndexOf("#");
  return hash === -1 ? [id, 0] : [id.slice(0, hash), Number(id.slice(hash + 1)) || 0];
}
