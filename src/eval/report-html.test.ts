import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareVersions, createPairing } from "./compare-runs.js";
import { makeFailure, makeRecord, writeTestRun } from "./make-test-run.js";
import { esc, writeHtmlReport } from "./report-html.js";
import type { ResultRecord } from "./run-types.js";

const HOSTILE = `</pre><script>alert("x")</script><img src=x onerror="alert(1)"> & 'quoted'`;

async function render(records: ResultRecord[], fields = {}) {
  const result = await writeTestRun(records, fields);
  const path = join(result.runDir, "report.html");
  await writeHtmlReport(result, path);
  return readFileSync(path, "utf8");
}

describe("writeHtmlReport", () => {
  it("escapes everything that came from the run: output, vars, descriptions, reasons", async () => {
    const html = await render([
      makeFailure(0, HOSTILE, { output: HOSTILE, description: HOSTILE, vars: { [HOSTILE]: HOSTILE } }),
    ]);
    expect(html).not.toMatch(/<script|<img|onerror="/i);
    expect(html).toContain("&lt;/pre&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(html).toContain("&amp; &#39;quoted&#39;");
  });

  it("forbids scripts outright with a Content-Security-Policy, and loads nothing from outside", async () => {
    const html = await render([makeRecord(0)]);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toMatch(/<(script|link|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)="?https?:/i);
  });

  it("writes one row per result in case order, failures marked", async () => {
    const html = await render([makeRecord(2), makeFailure(0, "expected 4"), makeRecord(1)]);
    const rows = [...html.matchAll(/<tr id="case-(\d+)-0-0" class="([^"]+)"/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([
      ["0", "fail"],
      ["1", "pass"],
      ["2", "pass"],
    ]);
    expect(html).toContain("expected 4");
  });

  it("puts both versions' outputs side by side and highlights newly failing cases", async () => {
    const records = [
      makeRecord(0, { side: "baseline", output: "old answer" }),
      makeFailure(0, "now wrong", { output: "new answer" }),
      makeRecord(1, { side: "baseline" }),
      makeRecord(1),
    ];
    const pairing = createPairing();
    for (const record of records) pairing.add(record);
    const base = await writeTestRun(records);
    const compare = compareVersions({
      pairing,
      baseline: base.baselineSummary!,
      current: base.summary,
      label: { label: "HEAD~1 (abc1234)", name: "qa", version: "1.0.0", source: "git" },
    });
    const html = await render(records, { compare, baselineSummary: base.baselineSummary });
    expect(html).toMatch(/<th>before: HEAD~1 \(abc1234\) = qa@1\.0\.0<\/th><th>now: qa@1\.1\.0<\/th>/);
    const row = /<tr id="case-0-0-0" class="fail newly-failing">(.*?)<\/tr>/s.exec(html)?.[1] ?? "";
    expect(row).toContain("newly failing");
    expect(row.indexOf("old answer")).toBeGreaterThan(-1);
    expect(row.indexOf("old answer")).toBeLessThan(row.indexOf("new answer"));
    expect(html).toContain("Newly failing (1)");
  });
});

describe("esc", () => {
  it("escapes the five characters that matter in element content and quoted attributes", () => {
    expect(esc(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});
