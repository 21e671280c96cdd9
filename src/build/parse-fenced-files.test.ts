import { describe, expect, it } from "vitest";
import { parseFencedFiles } from "./parse-fenced-files.js";

const fence = "```";

describe("parseFencedFiles", () => {
  it("takes the path from the info string after the language", () => {
    const reply = `Here you go:\n\n${fence}js src/a.js\nexport const a = 1;\n${fence}\n`;
    expect(parseFencedFiles(reply)).toEqual([{ path: "src/a.js", content: "export const a = 1;\n" }]);
  });

  it("takes the path from a path= or file= token, quoted or not, whatever the name", () => {
    const reply = [
      `${fence}ts path=src/b.ts`,
      "b",
      fence,
      `${fence} file="Makefile"`,
      "all:",
      fence,
      `${fence}yaml filename='config/app.yml'`,
      "x: 1",
      fence,
    ].join("\n");
    expect(parseFencedFiles(reply)).toEqual([
      { path: "src/b.ts", content: "b\n" },
      { path: "Makefile", content: "all:\n" },
      { path: "config/app.yml", content: "x: 1\n" },
    ]);
  });

  it.each([
    ["a bare line", "src/c.py"],
    ["a Markdown heading", "### src/c.py"],
    ["a bold path", "**src/c.py**"],
    ["a code span with a colon", "`src/c.py`:"],
    ["a File: label", "#### File: `src/c.py`"],
  ])("takes the path from %s just before the fence", (_, heading) => {
    const reply = `${heading}\n${fence}python\nprint(1)\n${fence}`;
    expect(parseFencedFiles(reply)).toEqual([{ path: "src/c.py", content: "print(1)\n" }]);
  });

  it("takes a heading path across one blank line, but not across prose", () => {
    expect(parseFencedFiles(`**src/d.ts**\n\n${fence}ts\nd\n${fence}`)).toEqual([
      { path: "src/d.ts", content: "d\n" },
    ]);
    expect(parseFencedFiles(`src/d.ts\nThis is the module:\n${fence}ts\nd\n${fence}`)).toEqual([]);
  });

  it("keeps underscores in a path given on the line before the fence", () => {
    const reply = `**pkg/__init__.py**\n${fence}python\n${fence}\n**src/my_module.py**\n${fence}python\nx = 1\n${fence}`;
    expect(parseFencedFiles(reply).map((file) => file.path)).toEqual(["pkg/__init__.py", "src/my_module.py"]);
  });

  it("gives an empty block empty content, not a lone newline", () => {
    expect(parseFencedFiles(`${fence}js src/empty.js\n${fence}`)).toEqual([
      { path: "src/empty.js", content: "" },
    ]);
  });

  it("lets a longer fence hold ``` lines, such as a README with examples", () => {
    const readme = `# Usage\n\n${fence}sh\nnpx textstats file.txt\n${fence}\n`;
    const reply = `\`\`\`\`md README.md\n${readme}\`\`\`\`\n`;
    expect(parseFencedFiles(reply)).toEqual([{ path: "README.md", content: readme }]);
  });

  it("closes a tilde fence only with tildes", () => {
    const reply = `~~~js src/t.js\nconst s = \`\n${fence}\n\`;\n~~~\n`;
    expect(parseFencedFiles(reply)).toEqual([{ path: "src/t.js", content: `const s = \`\n${fence}\n\`;\n` }]);
  });

  it("ignores blocks without a path, and does not read paths from inside them", () => {
    const reply = [
      "Run it with:",
      `${fence}sh`,
      "src/fake.js",
      `${fence}js`,
      fence,
      `${fence}js src/real.js`,
      "real",
      fence,
    ].join("\n");
    expect(parseFencedFiles(reply)).toEqual([{ path: "src/real.js", content: "real\n" }]);
  });

  it("does not take a language name for a path", () => {
    expect(parseFencedFiles(`${fence}typescript\nlet x;\n${fence}`)).toEqual([]);
  });

  it("keeps the files before an unclosed fence and drops the truncated one", () => {
    const reply = `${fence}js src/a.js\na\n${fence}\n${fence}js src/b.js\nconst b = "cut off by max tok`;
    expect(parseFencedFiles(reply)).toEqual([{ path: "src/a.js", content: "a\n" }]);
  });

  it("reads Windows line endings as plain newlines", () => {
    expect(parseFencedFiles(`${fence}js src/a.js\r\nline 1\r\nline 2\r\n${fence}\r\n`)).toEqual([
      { path: "src/a.js", content: "line 1\nline 2\n" },
    ]);
  });
});
