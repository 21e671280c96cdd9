/**
 * The exact McNemar test for paired pass/fail outcomes: under "no change", each discordant
 * pair (passed in one version only) is equally likely to go either way, so the count of one
 * kind is Binomial(b + c, 1/2). Two-sided p-value, summed in log space so that thousands of
 * discordant pairs neither underflow nor lose precision.
 */

/** Two-sided exact p-value for `b` pairs that went one way and `c` that went the other. */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`mcnemarExact takes two counts, got ${b} and ${c}`);
  }
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  // log P(X = i) for i = 0..k, from P(X = 0) = 2^-n and P(i+1)/P(i) = (n-i)/(i+1).
  const logs: number[] = [];
  let log = -n * Math.LN2;
  for (let i = 0; i <= k; i++) {
    logs.push(log);
    log += Math.log(n - i) - Math.log(i + 1);
  }
  // k <= n/2, so the terms rise towards the mode: the last is the largest.
  const max = logs[k]!;
  let sum = 0;
  for (const value of logs) sum += Math.exp(value - max);
  const tail = Math.exp(max + Math.log(sum));
  return Math.min(1, 2 * tail);
}

/** The verdict on a version change, from the paired counts and the significance level. */
export type Verdict = "regression" | "improvement" | "no significant change";

/**
 * `newlyFailing` pairs passed before and fail now, `newlyPassing` the reverse. A significant
 * difference is a regression when more pairs broke than were fixed.
 */
export function judgeChange(newlyFailing: number, newlyPassing: number, alpha = 0.05): Verdict {
  const pValue = mcnemarExact(newlyFailing, newlyPassing);
  if (pValue >= alpha || newlyFailing === newlyPassing) return "no significant change";
  return newlyFailing > newlyPassing ? "regression" : "improvement";
}
