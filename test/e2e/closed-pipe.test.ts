import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { CLI_PATH, runCli } from "../support/run-cli.js";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "textstats");

describe("a reader that closes the pipe early (`specprompt plan --json | head -1`)", () => {
  // `build` of an up-to-date package and `status` from its index are answered by bin/specprompt.js's
  // fast paths, `plan` by the CLI.
  test.each([["plan"], ["build"], ["status"], ["--help"]])(
    "does not crash `%s`: it finishes and exits 0 without a stack trace",
    async (command) => {
      if (command === "build") await runCli(["build", EXAMPLE, "--offline"], { cwd: EXAMPLE });
      if (command === "status") await runCli(["status", EXAMPLE], { cwd: EXAMPLE });
      const args = command === "--help" ? [command] : [command, EXAMPLE, "--json"];
      const child = spawn(process.execPath, [CLI_PATH, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH },
      });
      // Close our end before the CLI writes, as `head` does once it has its line.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const code = await new Promise((resolve) => child.on("close", resolve));
      expect(stderr).not.toMatch(/EPIPE|Unhandled/);
      expect(code).toBe(0);
    },
  );
});

describe("specprompt --help", () => {
  test("prints the CLI's own help, from the text the build wrote out", async () => {
    const fast = await runCli(["--help"], { cwd: EXAMPLE });
    const help: { renderMainHelp(): string } = await import(join("..", "..", "dist", "lib", "help.js"));
    const { renderMainHelp } = help;
    expect(fast.code).toBe(0);
    expect(fast.stdout).toBe(renderMainHelp());
    expect((await runCli(["help"], { cwd: EXAMPLE })).stdout).toBe(fast.stdout);
  });
});
