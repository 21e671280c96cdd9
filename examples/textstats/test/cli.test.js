import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { run } from "../src/cli.js";

function capture(argv, stdin = "") {
  let out = "";
  let err = "";
  const code = run(argv, {
    stdin,
    stdout: { write: (s) => (out += s) },
    stderr: { write: (s) => (err += s) },
  });
  return { code, out, err };
}

test("AC-5 prints the report as JSON for a file", () => {
  const dir = mkdtempSync(join(tmpdir(), "textstats-"));
  const file = join(dir, "draft.txt");
  writeFileSync(file, "to be or not to be\n");
  const { code, out } = capture(["--json", file]);
  assert.equal(code, 0);
  const report = JSON.parse(out);
  assert.equal(report.words, 6);
  assert.deepEqual(report.top[0], { word: "be", count: 2 });
});

test("AC-5 reads stdin and prints labelled lines", () => {
  const { code, out } = capture(["--top", "1"], "hello hello world");
  assert.equal(code, 0);
  assert.match(out, /^lines: 1$/m);
  assert.match(out, /^words: 3$/m);
  assert.match(out, /^ {2}hello {2}2$/m);
});

test("AC-5 rejects an unknown flag with exit code 2 and a usage line", () => {
  const { code, err } = capture(["--bogus"]);
  assert.equal(code, 2);
  assert.match(err, /usage: textstats/i);
});
