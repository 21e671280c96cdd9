import type { DiffSideInfo } from "./diff-sides.js";
import type { ChangeStatus, SemanticDiffReport, ValueChange } from "./semantic-diff.js";

const PAINT = { added: "\x1b[32m", removed: "\x1b[31m", changed: "\x1b[33m", bold: "\x1b[1m" } as const;
const RESET = "\x1b[0m";

/** The report as readable text, grouped: layers (with sections), imports, params, model, units. Warnings are the caller's to print. */
export function formatSemanticDiff(report: SemanticDiffReport, color: boolean): string {
  const paint = (style: keyof typeof PAINT, text: string) =>
    color ? `${PAINT[style]}${text}${RESET}` : text;
  const status = (value: ChangeStatus) => paint(value, value.padEnd(8));
  const side = (s: DiffSideInfo) =>
    `${s.name}@${s.version}${s.spec === `${s.name}@${s.version}` ? "" : ` (${s.spec})`}`;
  const target = report.target === undefined ? "" : ` · target ${report.target} (--target picks another)`;
  const lines: string[] = [paint("bold", `${side(report.a)} → ${side(report.b)}${target}`)];
  const { layers, imports, params, model, units } = report;
  const value = (change: ValueChange) =>
    change.status === "added"
      ? `${change.to}`
      : change.status === "removed"
        ? `${change.from}`
        : `${change.from} → ${change.to}`;
  if (layers.length > 0) {
    lines.push("", paint("bold", "layers"));
    for (const layer of layers) {
      const label = layer.unit !== undefined ? `unit ${layer.unit}` : layer.kind;
      lines.push(
        `  ${status(layer.status)} ${label}: ${layer.path}  (+${layer.lines.added} -${layer.lines.removed})`,
      );
      for (const kind of ["added", "removed", "changed"] as const)
        for (const section of layer.sections?.[kind] ?? [])
          lines.push(
            `      ${paint(kind, `section ${kind}`)} "${section.title}"  (+${section.added} -${section.removed})`,
          );
    }
  }
  if (imports.length > 0) {
    lines.push("", paint("bold", "imports"));
    for (const change of imports)
      lines.push(`  ${status(change.status)} import ${change.name}: ${value(change)}`);
  }
  const modelChanged = model.from !== model.to;
  if (params.length > 0 || modelChanged || model.modelParams.length > 0 || model.units.length > 0) {
    lines.push("", paint("bold", "params and model"));
    for (const change of params)
      lines.push(`  ${status(change.status)} param ${change.name}: ${value(change)}`);
    if (modelChanged)
      lines.push(`  ${status("changed")} model: ${model.from ?? "(none)"} → ${model.to ?? "(none)"}`);
    for (const change of model.modelParams)
      lines.push(`  ${status(change.status)} modelParams.${change.name}: ${value(change)}`);
    for (const change of model.units)
      lines.push(`  ${status("changed")} model of unit ${change.unit}: ${change.from} → ${change.to}`);
  }
  if (units.added.length > 0 || units.removed.length > 0 || units.regenerate.length > 0) {
    lines.push("", paint("bold", "units"));
    for (const name of units.added) lines.push(`  ${status("added")} ${name}`);
    for (const name of units.removed) lines.push(`  ${status("removed")} ${name}`);
    for (const { unit, reasons } of units.regenerate)
      lines.push(`  ${paint("changed", "regenerate")} ${unit}: ${reasons.join("; ")}`);
  }
  if (lines.length === 1) lines.push("no differences: same layers, imports, params, model and units");
  return `${lines.join("\n")}\n`;
}
