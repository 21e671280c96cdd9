import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeFailure, makeRecord, writeTestRun } from "./make-test-run.js";
import { attr, text, writeJunitReport } from "./report-junit.js";

describe("writeJunitReport", () => {
  it("writes a testsuite per model with a testcase per result, failures and errors told apart", async () => {
    const result = await writeTestRun([
      makeRecord(0),
      makeFailure(1, "expected 4, got 5"),
      makeRecord(2, { pass: false, score: 0, assertions: [], error: "HTTP 400: bad request" }),
      makeRecord(0, { model: "openai:gpt-4.1", modelIndex: 1, key: "other" }),
    ]);
    const path = join(result.runDir, "out", "junit.xml");
    await writeJunitReport(result, path);
    const xml = readFileSync(path, "utf8");
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="specprompt eval qa@1.1.0" tests="4" failures="1" errors="1"/,
    );
    expect(xml).toContain(`<testsuite name="qa@1.1.0 openai:gpt-4o-mini" tests="3" failures="1" errors="1">`);
    expect(xml).toContain(`<testsuite name="qa@1.1.0 openai:gpt-4.1" tests="1" failures="0" errors="0">`);
    expect(xml).toContain(`<failure message="equals: expected 4, got 5">`);
    expect(xml).toContain(`<error message="HTTP 400: bad request">HTTP 400: bad request</error>`);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml.trimEnd().endsWith("</testsuites>")).toBe(true);
  });
});

describe("XML escaping", () => {
  it("replaces characters XML cannot hold, even escaped, and escapes markup", () => {
    expect(text("a\u0000b\u001bc <d> & \ud800")).toBe("a\ufffdb\ufffdc &lt;d&gt; &amp; \ufffd");
  });

  it("keeps line breaks in text but not in attributes", () => {
    expect(text("a\nb")).toBe("a\nb");
    expect(attr(`say "hi"\n'there'`)).toBe("say &quot;hi&quot;&#10;&apos;there&apos;");
  });

  it("keeps a well-formed surrogate pair", () => {
    expect(text("ok 😀")).toBe("ok 😀");
  });
});
