// Prints the closing line CI looks for, from the report vitest wrote during `npm test`.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2] ?? "coverage/vitest-report.json", "utf8"));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`,
);
process.exitCode = report.numTotalTests > 0 && report.numFailedTests === 0 ? 0 : 1;
