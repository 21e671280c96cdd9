import { describe, expect, it } from "vitest";
import { makeLock, makePackage } from "../build/make-test-package.js";
import { parseLock } from "./parse-lock.js";
import { lockView, serializeLock } from "./read-lock.js";

describe("the lock's validation record", () => {
  it("parses a lock written before test counts and build durations were recorded", () => {
    const lock = makeLock(makePackage());
    lock.build.validation = { command: "node --test", passed: true, exitCode: 0 };
    const old = JSON.parse(serializeLock(lock));
    expect(old.build).not.toHaveProperty("durationMs");
    expect(lockView(parseLock(JSON.stringify(old), "specprompt.lock"), undefined)?.build.validation).toEqual({
      command: "node --test",
      passed: true,
      exitCode: 0,
    });
  });

  it("keeps test counts and the build's duration through a write and a read", () => {
    const lock = makeLock(makePackage());
    lock.build.validation = {
      command: "pytest",
      passed: false,
      exitCode: 1,
      tests: { passed: 4, failed: 2 },
    };
    lock.build.durationMs = 1234;
    const read = lockView(parseLock(serializeLock(lock), "specprompt.lock"), undefined);
    expect(read?.build).toMatchObject({ durationMs: 1234, validation: { tests: { passed: 4, failed: 2 } } });
  });

  it("rejects counts that are not whole numbers", () => {
    const lock = JSON.parse(serializeLock(makeLock(makePackage())));
    lock.build.validation = { command: "x", passed: true, exitCode: 0, tests: { passed: 1.5, failed: 0 } };
    expect(() => parseLock(JSON.stringify(lock), "specprompt.lock")).toThrow(
      /build\.validation\.tests\.passed/,
    );
  });
});
