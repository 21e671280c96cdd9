import type { StatusReport } from "../drift/status-types.js";
import type { CliIO } from "./command.js";
import { showPath } from "./show-path.js";

/**
 * The text report of `specprompt status`. Shared by the command and by bin/specprompt.js's fast path
 * (src/cli/fast-status.ts), which must print exactly what the command prints.
 */
export function printStatus(io: CliIO, report: StatusReport): void {
  for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
  const target = report.target === undefined ? "" : ` (target ${report.target})`;
  const name = `${report.package.name}@${report.package.version}${target}`;
  const tracked = report.counts.clean + report.counts.modified + report.counts.missing;
  if (report.clean && report.counts.untracked === 0) {
    io.stdout.write(
      `${name}: clean — ${tracked} generated file${tracked === 1 ? "" : "s"} as built, nothing stale` +
        `${report.counts.handwritten > 0 ? `, ${report.counts.handwritten} hand-written` : ""}\n`,
    );
    return;
  }
  const lines = [`${name} · lock from build ${report.lock.buildId} (${report.lock.builtAt})`];
  const path = (file: string) => showPath(io.cwd, report.outDir, file);
  const table = (rows: [string, string][]) => {
    const width = Math.max(...rows.map(([left]) => left.length));
    return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
  };
  if (report.lockOutdated.length > 0)
    lines.push("lock out of date:", ...report.lockOutdated.map((why) => `  ${why}`));
  if (report.stale.length > 0 || report.removedUnits.length > 0) {
    lines.push("stale units (inputs changed since the lock; specprompt build regenerates them):");
    lines.push(
      ...table([
        ...report.stale.map((unit): [string, string] => [unit.unit, unit.reasons.join("; ")]),
        ...report.removedUnits.map((unit): [string, string] => [
          unit,
          "no longer in the manifest; build deletes its files",
        ]),
      ]),
    );
  }
  const changed = report.files.filter((file) => file.state === "modified" || file.state === "missing");
  if (changed.length > 0) {
    lines.push("hand edits (specprompt diff shows them):");
    lines.push(
      ...table(changed.map((file) => [`${file.state}:`, `${path(file.path)}  (unit ${file.unit})`])),
    );
  }
  const untracked = report.files.filter((file) => file.state === "untracked");
  if (untracked.length > 0) {
    lines.push("untracked (in owned paths; no build wrote them):");
    lines.push(...table(untracked.map((file) => [path(file.path), `owned by ${file.unit}`])));
  }
  const handwritten = report.files.filter((file) => file.state === "handwritten");
  if (handwritten.length > 0)
    lines.push(`hand-written: ${handwritten.map((file) => path(file.path)).join(", ")}`);
  lines.push(`${report.counts.clean} of ${tracked} generated file${tracked === 1 ? "" : "s"} clean`);
  io.stdout.write(`${lines.join("\n")}\n`);
}
