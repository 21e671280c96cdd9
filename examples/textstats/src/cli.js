// SPDX-License-Identifier: MIT

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { analyze } from "./stats.js";

const USAGE = "usage: textstats [--json] [--top N] [FILE]\n";

/**
 * Run the command line; returns the exit code.
 * @param {string[]} argv
 * @param {{ stdin: string, stdout: { write(s: string): unknown }, stderr: { write(s: string): unknown } }} io
 * @returns {number}
 */
export function run(argv, io) {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: { json: { type: "boolean" }, top: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    }));
  } catch (error) {
    io.stderr.write(`textstats: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const top = values.top === undefined ? 5 : Number(values.top);
  if (!Number.isInteger(top) || top < 0 || positionals.length > 1) {
    io.stderr.write(USAGE);
    return 2;
  }
  let text;
  try {
    text = positionals.length === 1 ? readFileSync(positionals[0], "utf8") : io.stdin;
  } catch (error) {
    io.stderr.write(`textstats: cannot read ${positionals[0]}: ${error.code ?? error.message}\n`);
    return 2;
  }
  const report = analyze(text, { top });
  io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : format(report));
  return 0;
}

/**
 * @param {import("./stats.js").Report} report
 */
function format(report) {
  const lines = [
    `lines: ${report.lines}`,
    `words: ${report.words}`,
    `characters: ${report.characters}`,
    `averageWordLength: ${report.averageWordLength}`,
    "top:",
    ...report.top.map(({ word, count }) => `  ${word}  ${count}`),
  ];
  return `${lines.join("\n")}\n`;
}
