import { describe, expect, it } from "vitest";
import { SpecPromptError, UsageError } from "../errors.js";
import { parseSetFlags, renderParams } from "./render-params.js";

const params = { license: "MIT", author: "Ada", "db.url": "postgres://x" };

function catchError(run: () => unknown): SpecPromptError {
  try {
    run();
  } catch (error) {
    if (error instanceof SpecPromptError) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("renderParams", () => {
  it("replaces {{name}} and {{ name }}, including names with dots", () => {
    expect(renderParams("{{license}} by {{ author }} at {{db.url}}", params, "core.md")).toBe(
      "MIT by Ada at postgres://x",
    );
  });

  it("renders \\{{ as a literal {{ and leaves what follows alone", () => {
    expect(renderParams("use \\{{license}} in templates, {{license}}", params, "core.md")).toBe(
      "use {{license}} in templates, MIT",
    );
  });

  it("leaves braces around things that are not param names", () => {
    expect(renderParams("{{#each items}} and {{ }}", params, "core.md")).toBe("{{#each items}} and {{ }}");
  });

  it("names the file, line and column of an undefined param and suggests the closest one", () => {
    const error = catchError(() =>
      renderParams("# Title\n\nLicensed under {{licence}}.\n", params, "units/a.md"),
    );
    expect(error.code).toBe("E_PARAM");
    expect(error.location).toEqual({ file: "units/a.md", line: 3, column: 16 });
    expect(error.message).toBe("undefined param 'licence'; did you mean 'license'?");
    expect(error.hint).toContain("pass --set licence=<value>; known params: license, author, db.url");
  });

  it("does not treat inherited object properties as params", () => {
    expect(catchError(() => renderParams("{{constructor}}", {}, "core.md")).message).toBe(
      "undefined param 'constructor'",
    );
  });
});

describe("parseSetFlags", () => {
  it("splits on the first '=' and lets the last value of a name win", () => {
    expect(parseSetFlags(["license=MIT", "url=a=b", "license=ISC", "empty="])).toEqual({
      license: "ISC",
      url: "a=b",
      empty: "",
    });
  });

  it.each(["license", "=MIT", "1x=2", "has space=1"])("rejects '%s' as a usage error", (flag) => {
    expect(() => parseSetFlags([flag])).toThrow(UsageError);
  });
});
