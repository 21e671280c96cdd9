import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "./parse-csv.js";

describe("parseCsv", () => {
  it("splits fields and records, with CRLF, LF and a final line break or none", () => {
    expect(parseCsv("a,b\r\n1,2\n3,\n")).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["1", "2"], line: 2 },
      { fields: ["3", ""], line: 3 },
    ]);
    expect(parseCsv("a,b\n1,2")).toEqual([
      { fields: ["a", "b"], line: 1 },
      { fields: ["1", "2"], line: 2 },
    ]);
  });

  it("keeps commas, quotes and line breaks inside quoted fields, and numbers records by their first line", () => {
    const text = '\ufeffq,__expected\n"Hello, ""you""","line one\r\nline two"\n\n"",x\n';
    expect(parseCsv(text)).toEqual([
      { fields: ["q", "__expected"], line: 1 },
      { fields: ['Hello, "you"', "line one\r\nline two"], line: 2 },
      { fields: ["", "x"], line: 5 },
    ]);
  });

  it("keeps a quote inside an unquoted field and a trailing empty field", () => {
    expect(parseCsv('say 5" long,')).toEqual([{ fields: ['say 5" long', ""], line: 1 }]);
  });

  it("skips blank lines and reads nothing from an empty text", () => {
    expect(parseCsv("\n \na\n\n")).toEqual([{ fields: ["a"], line: 3 }]);
    expect(parseCsv("")).toEqual([]);
  });

  it.each([
    ['a\n"open,\nstill open', 2, "never closed"],
    ['a\n"x"y,z', 2, "text after a closing quote"],
  ])("reports %j at line %i", (text, line, message) => {
    let error: unknown;
    try {
      parseCsv(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect((error as CsvSyntaxError).line).toBe(line);
    expect((error as CsvSyntaxError).message).toContain(message);
  });
});
