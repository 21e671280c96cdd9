import { describe, expect, it } from "vitest";
import { buildGradingMessages, parseGraderReply } from "./llm-rubric.js";

describe("parseGraderReply", () => {
  it.each([
    ['{"pass": true, "score": 0.8, "reason": "ok"}', { pass: true, score: 0.8, reason: "ok" }],
    [
      'Here you go:\n```json\n{"pass": false, "score": 0, "reason": "rude"}\n```',
      { pass: false, score: 0, reason: "rude" },
    ],
    ['Verdict {"reason": "fine", "pass": "yes"} (done)', { pass: true, score: 1, reason: "fine" }],
    ['{"score": "0.3"}', { pass: false, score: 0.3, reason: "" }],
    ['{"note": 1} then {"pass": false}', { pass: false, score: 0, reason: "" }],
  ])("reads %j", (reply, verdict) => {
    expect(parseGraderReply(reply)).toEqual(verdict);
  });

  it.each([
    ["It looks good to me.", "the grader's reply has no JSON verdict"],
    ['{"pass": "maybe"}', `the grader's "pass" is not true or false`],
    ['{"pass": true, "score": 8}', `the grader's "score" is not a number from 0 to 1`],
  ])("turns %j into a problem, not an exception", (reply, problem) => {
    const verdict = parseGraderReply(reply);
    expect("problem" in verdict && verdict.problem).toContain(problem);
  });
});

describe("buildGradingMessages", () => {
  it("puts the rubric and the output apart from the instructions", () => {
    const [system, user] = buildGradingMessages("Is polite", "Go away");
    expect(system!.role).toBe("system");
    expect(system!.content).toContain('{"pass"');
    expect(user!.content).toBe("<rubric>\nIs polite\n</rubric>\n\n<output>\nGo away\n</output>");
  });
});
