import type { PackageDef } from "./make-package.js";

/**
 * The package most end-to-end tests build: three units in a chain (a → b needs a → c needs b),
 * each owning one module, and one hand-written test of the whole chain.
 */
export function chainPackage(overrides: Partial<PackageDef> = {}): PackageDef {
  return {
    core: "# chain\n\nCount to three, one module per step.\n",
    guide: "# Guide\n\nPlain ES modules. License: {{license}}.\n",
    params: { license: "MIT" },
    modelParams: { temperature: 0 },
    units: {
      a: { prompt: "Write `src/a.js` exporting `a()`, which returns 1.\n", owns: ["src/a.js"] },
      b: {
        prompt: "Write `src/b.js` exporting `b()`, which returns a() + 1.\n",
        owns: ["src/b.js"],
        needs: ["a"],
      },
      c: {
        prompt: "Write `src/c.js` exporting `c()`, which returns b() + 1.\n",
        owns: ["src/c.js"],
        needs: ["b"],
      },
    },
    tests: { "test/chain.test.js": CHAIN_TEST },
    ...overrides,
  };
}

export const CHAIN_TEST = `import assert from "node:assert/strict";
import { test } from "node:test";
import { c } from "../src/c.js";

test("c counts to three through a and b", () => {
  assert.equal(c(), 3);
});
`;

/** What a correct model writes for each unit of the chain package: unit → path → content. */
export function chainFiles(): Record<string, Record<string, string>> {
  return {
    a: { "src/a.js": "export const a = () => 1;\n" },
    b: { "src/b.js": 'import { a } from "./a.js";\n\nexport const b = () => a() + 1;\n' },
    c: { "src/c.js": 'import { b } from "./b.js";\n\nexport const c = () => b() + 1;\n' },
  };
}
