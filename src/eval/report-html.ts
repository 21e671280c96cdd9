/**
 * `eval --html F`: one self-contained page (inline CSS, no script, no external request) with
 * the summary, the comparison and a row per case, failures highlighted and, when comparing,
 * both versions' outputs side by side. Everything from the run is escaped, and a
 * Content-Security-Policy that allows no script backs that up: model output is untrusted.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { formatDuration, formatTokens } from "../cli/format.js";
import { indexResultRows, type LoadedRow, readRows, writeChunk } from "./report-rows.js";
import { baselineName, formatCost, percent } from "./report-text.js";
import type { ChangedCase, EvalResult, ResultRecord, Summary } from "./run-types.js";

const STYLE = `
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header{padding:20px 28px;border-bottom:1px solid var(--line);background:var(--bg)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px}.muted{color:var(--muted)}
main{padding:0 28px 40px}.cards{display:flex;flex-wrap:wrap;gap:12px;margin-top:16px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:120px;background:#fff}
.card b{display:block;font-size:22px}.card span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.banner{margin-top:16px;padding:12px 16px;border-radius:8px;font-weight:600}
.banner.regression{background:#ffebe9;color:var(--bad);border:1px solid #ffcecb}
.banner.improvement{background:#dafbe1;color:var(--ok);border:1px solid #aceebb}
.banner.same{background:var(--bg);border:1px solid var(--line)}
.ok{color:var(--ok)}.bad{color:var(--bad)}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border-bottom:1px solid var(--line);padding:8px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0;font-size:12px;color:var(--muted)}
tr.fail td:first-child{border-left:4px solid var(--bad)}tr.pass td:first-child{border-left:4px solid var(--ok)}
tr.newly-failing{background:#fff5f5}tr.newly-passing{background:#f3fff5}
pre{white-space:pre-wrap;word-break:break-word;margin:0;max-height:280px;overflow:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--bg);padding:6px 8px;border-radius:6px}
.tag{display:inline-block;font-size:11px;font-weight:600;padding:1px 6px;border-radius:10px;margin-right:4px}
.tag.pass{background:#dafbe1;color:var(--ok)}.tag.fail{background:#ffebe9;color:var(--bad)}.tag.change{background:#fff8c5;color:var(--warn)}
ul.asserts{list-style:none;padding:0;margin:6px 0 0;font-size:12px}ul.asserts li{margin:2px 0}
dl{margin:0;font-size:12px}dt{font-weight:600;color:var(--muted)}dd{margin:0 0 4px;word-break:break-word}
.filter{margin:8px 0 12px;display:block}#only-failures:checked~table tr.pass{display:none}
details summary{cursor:pointer;color:var(--muted);font-size:12px}
`;

/** Writes the report to `path` (its folder is created). */
export async function writeHtmlReport(result: EvalResult, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const closed = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
  });
  await writeChunk(out, renderHead(result));
  const comparing = Boolean(result.compare);
  const withModel = result.models.length > 1 || comparing;
  let batch = "";
  for (const row of readRows(result.runDir, indexResultRows(result.runDir))) {
    batch += renderRow(row, comparing, withModel);
    if (batch.length > 64 * 1024) {
      await writeChunk(out, batch);
      batch = "";
    }
  }
  out.end(`${batch}</tbody></table></main></body></html>\n`);
  await closed;
}

function renderHead(result: EvalResult): string {
  const { summary } = result;
  const name = `${result.package.name}@${result.package.version}`;
  const gate =
    result.threshold === undefined
      ? ""
      : card(
          "threshold",
          `${percent(result.threshold)} ${result.gate === "passed" ? "met" : "not met"}`,
          result.gate === "passed" ? "ok" : "bad",
        );
  const parts = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${esc(`eval ${name}`)}</title><style>${STYLE}</style></head><body>`,
    `<header><h1>${esc(name)}</h1><div class="muted">run ${esc(result.runId)} · ${esc(result.models.join(", "))} · ${summary.total} results · ${esc(formatDuration(result.durationMs))}</div>`,
    `<div class="cards">${card("pass rate", percent(summary.passRate), rateClass(result))}${card("passed", String(summary.passed), "ok")}${card("failed", String(summary.failed), summary.failed > 0 ? "bad" : "")}${gate}${card("latency p50 / p95", `${formatDuration(summary.latencyMs.p50)} / ${formatDuration(summary.latencyMs.p95)}`)}${card("tokens", formatTokens(summary.tokens))}${card("cost", formatCost(summary.cost) ?? "—")}</div>`,
  ];
  if (result.compare) parts.push(renderCompare(result));
  parts.push("</header><main>");
  if (Object.keys(summary.byModel).length > 1) parts.push(renderModels(result));
  const failures = Object.entries(summary.failuresByAssertion);
  if (failures.length > 0) {
    parts.push(
      `<h2>Failures by assertion</h2><p>${failures.map(([type, count]) => `<span class="tag fail">${esc(type)} ${count}</span>`).join(" ")}</p>`,
    );
  }
  const columns = result.compare
    ? `<th style="width:22%">case</th><th style="width:14%">vars</th><th>${esc(`before: ${baselineName(result.compare.baseline)}`)}</th><th>${esc(`now: ${result.package.name}@${result.package.version}`)}</th>`
    : `<th style="width:22%">case</th><th style="width:18%">vars</th><th>output</th><th style="width:28%">assertions</th>`;
  parts.push(
    `<h2>Cases</h2><input type="checkbox" id="only-failures"><label for="only-failures"> show failing and changed cases only</label>`,
    `<table><thead><tr>${columns}</tr></thead><tbody>\n`,
  );
  return parts.join("\n");
}

function renderCompare(result: EvalResult): string {
  const compare = result.compare!;
  const kind =
    compare.verdict === "regression"
      ? "regression"
      : compare.verdict === "improvement"
        ? "improvement"
        : "same";
  const change = (value: number) => `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)} points`;
  const cost =
    compare.cost.baseline !== undefined || compare.cost.current !== undefined
      ? ` · cost ${esc(formatCost(compare.cost.baseline) ?? "—")} → ${esc(formatCost(compare.cost.current) ?? "—")}`
      : "";
  return [
    `<div class="banner ${kind}">${esc(compare.verdict)} against ${esc(baselineName(compare.baseline))}: pass rate ${percent(compare.passRate.baseline)} → ${percent(compare.passRate.current)} (${change(compare.passRate.change)}), ${compare.newlyFailing.length} newly failing, ${compare.newlyPassing.length} newly passing, exact McNemar p = ${compare.pValue.toPrecision(3)}</div>`,
    `<div class="muted" style="margin-top:8px">${compare.pairs} pairs · latency p50 ${esc(formatDuration(compare.latencyMs.p50.baseline))} → ${esc(formatDuration(compare.latencyMs.p50.current))}, p95 ${esc(formatDuration(compare.latencyMs.p95.baseline))} → ${esc(formatDuration(compare.latencyMs.p95.current))}${cost}</div>`,
    changeList("Newly failing", compare.newlyFailing),
    changeList("Newly passing", compare.newlyPassing),
  ].join("\n");
}

function changeList(title: string, changes: ChangedCase[]): string {
  if (changes.length === 0) return "";
  const items = changes
    .slice(0, 200)
    .map(
      (change) =>
        `<li>${esc(change.caseId)} ${esc(change.description ?? "")} <span class="muted">[${esc(change.model)}]</span> — ${esc(change.reason)}</li>`,
    )
    .join("");
  const more = changes.length > 200 ? `<li class="muted">… and ${changes.length - 200} more</li>` : "";
  return `<details${title.startsWith("Newly failing") ? " open" : ""}><summary>${esc(title)} (${changes.length})</summary><ul>${items}${more}</ul></details>`;
}

function renderModels(result: EvalResult): string {
  const row = (label: string, s: Summary) =>
    `<tr><td>${esc(label)}</td><td>${percent(s.passRate)}</td><td>${s.passed}</td><td>${s.failed}</td><td>${esc(formatDuration(s.latencyMs.p50))}</td><td>${esc(formatDuration(s.latencyMs.p95))}</td><td>${esc(formatCost(s.cost) ?? "—")}</td></tr>`;
  const rows = Object.entries(result.summary.byModel).map(([model, s]) => row(model, s));
  return `<h2>By model</h2><table><thead><tr><th>model</th><th>pass rate</th><th>passed</th><th>failed</th><th>p50</th><th>p95</th><th>cost</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function renderRow(row: LoadedRow, comparing: boolean, withModel: boolean): string {
  const record = (row.current ?? row.baseline)!;
  const id = `case-${record.caseIndex}-${record.repeat}-${record.modelIndex}`;
  let state = row.current?.pass === false || row.baseline?.pass === false ? "fail" : "pass";
  let tag = "";
  if (comparing && row.current && row.baseline && row.current.pass !== row.baseline.pass) {
    state = row.current.pass ? "fail newly-passing" : "fail newly-failing";
    tag = `<span class="tag change">${row.current.pass ? "newly passing" : "newly failing"}</span>`;
  }
  const caseCell = [
    `<td>${tag}<b>${esc(record.description ?? record.caseId)}</b>`,
    `<div class="muted">${esc(record.caseId)}${record.repeat > 0 ? ` · repeat ${record.repeat + 1}` : ""}${withModel ? ` · ${esc(record.model)}` : ""}</div></td>`,
  ].join("");
  const vars = `<td><dl>${Object.entries(record.vars)
    .map(
      ([name, value]) =>
        `<dt>${esc(name)}</dt><dd>${esc(clip(typeof value === "string" ? value : JSON.stringify(value), 400))}</dd>`,
    )
    .join("")}</dl></td>`;
  const cells = comparing
    ? `${outputCell(row.baseline, true)}${outputCell(row.current, true)}`
    : `${outputCell(row.current, false)}<td>${assertionList(row.current)}</td>`;
  return `<tr id="${id}" class="${state}">${caseCell}${vars}${cells}</tr>\n`;
}

function outputCell(record: ResultRecord | undefined, withAssertions: boolean): string {
  if (!record) return `<td class="muted">not run</td>`;
  const verdict = `<span class="tag ${record.pass ? "pass" : "fail"}">${record.pass ? "pass" : "fail"}</span>`;
  const meta = `<span class="muted">${esc(formatDuration(record.latencyMs))}${record.cached ? " · cached" : ""}</span>`;
  const body =
    record.error !== undefined
      ? `<pre class="bad">${esc(record.error)}</pre>`
      : `<pre>${esc(record.output)}</pre>`;
  return `<td>${withAssertions ? `${verdict} ${meta}` : meta}${body}${withAssertions ? assertionList(record) : ""}</td>`;
}

function assertionList(record: ResultRecord | undefined): string {
  if (!record || record.assertions.length === 0) return "";
  const items = record.assertions.map((assertion) => {
    const mark = assertion.pass ? `<span class="ok">✓</span>` : `<span class="bad">✗</span>`;
    const grader = assertion.grader
      ? `<details><summary>grader ${esc(assertion.grader.model)}</summary><pre>${esc(`rubric: ${assertion.grader.rubric}\n\nreply: ${assertion.grader.reply}`)}</pre></details>`
      : "";
    return `<li>${mark} <b>${esc(assertion.type)}</b> ${esc(assertion.reason)}${grader}</li>`;
  });
  return `<ul class="asserts">${items.join("")}</ul>`;
}

function card(label: string, value: string, tone = ""): string {
  return `<div class="card"><span>${esc(label)}</span><b class="${tone}">${esc(value)}</b></div>`;
}

function rateClass(result: EvalResult): string {
  if (result.threshold === undefined) return "";
  return result.gate === "passed" ? "ok" : "bad";
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** HTML-escapes text for element content and quoted attribute values. */
export function esc(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
