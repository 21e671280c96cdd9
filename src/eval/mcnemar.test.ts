import { describe, expect, it } from "vitest";
import { judgeChange, mcnemarExact } from "./mcnemar.js";

/** The same p-value with exact integer arithmetic: 2 · Σ_{i ≤ min(b,c)} C(n, i) / 2^n. */
function exactByBigInt(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  let term = 1n;
  let sum = 0n;
  for (let i = 0; i <= Math.min(b, c); i++) {
    sum += term;
    term = (term * BigInt(n - i)) / BigInt(i + 1);
  }
  // 2·sum / 2^n as a float: keep the top 64 bits of the sum, fold the rest into the exponent.
  const shift = Math.max(0, (2n * sum).toString(2).length - 64);
  const ratio = Number((2n * sum) >> BigInt(shift)) * 2 ** (shift - n);
  return Math.min(1, ratio);
}

describe("mcnemarExact", () => {
  it.each([
    // Values of R's binom.test(min, b + c)$p.value, the exact McNemar test.
    [0, 0, 1],
    [1, 6, 0.125],
    [0, 6, 0.03125],
    [6, 0, 0.03125],
    [2, 10, 0.03857421875],
    [0, 5, 0.0625],
    [3, 3, 1],
    [40, 60, 0.05688793364098078],
  ])("b=%i c=%i gives p=%f", (b, c, p) => {
    expect(mcnemarExact(b, c)).toBeCloseTo(p, 12);
  });

  it.each([
    [17, 31],
    [150, 200],
    [480, 520],
    [1, 900],
  ])("matches exact integer arithmetic for b=%i c=%i", (b, c) => {
    const expected = exactByBigInt(b, c);
    expect(Math.abs(mcnemarExact(b, c) - expected)).toBeLessThanOrEqual(expected * 1e-9 + 1e-300);
  });

  it("stays finite and tiny for thousands of one-sided pairs, where 2^-n underflows", () => {
    const p = mcnemarExact(0, 5000);
    expect(p).toBe(0);
    expect(mcnemarExact(2400, 2600)).toBeGreaterThan(0.004);
    expect(mcnemarExact(2400, 2600)).toBeLessThan(0.006);
  });

  it("is symmetric in its two counts", () => {
    expect(mcnemarExact(7, 19)).toBe(mcnemarExact(19, 7));
  });

  it("rejects negative and fractional counts", () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(RangeError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(RangeError);
  });
});

describe("judgeChange", () => {
  it("calls six newly failing pairs and none fixed a regression at α = 0.05", () => {
    expect(judgeChange(6, 0)).toBe("regression");
  });

  it("calls the mirror image an improvement", () => {
    expect(judgeChange(0, 6)).toBe("improvement");
  });

  it("does not call five against none significant (p = 0.0625)", () => {
    expect(judgeChange(5, 0)).toBe("no significant change");
  });

  it("sees no change when as many pairs broke as were fixed", () => {
    expect(judgeChange(30, 30)).toBe("no significant change");
  });

  it("honours another significance level", () => {
    expect(judgeChange(5, 0, 0.1)).toBe("regression");
  });
});
