// Records the example's committed cache and lock. No model is reachable from our machines, so a
// scripted OpenAI-compatible server on 127.0.0.1 plays the model: for each unit it "writes" the
// files currently in the example (authored by us) through write_file calls, then says it is done.
// The build that records them is the real one: real HTTP, real cache, real validation, real lock.
//   node scripts/record-example.mjs [examples/textstats]
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { startFakeModelServer } from "../test/support/fake-model-server.mjs";

const dir = resolve(process.argv[2] ?? "examples/textstats");
const manifest = parse(readFileSync(join(dir, "specprompt.yaml"), "utf8"));

/** Output folder and owned files of each unit, for the package or each of its targets (by guide). */
function layout(target) {
  const spec = target === undefined ? {} : manifest.targets[target];
  return {
    out: join(dir, spec.out ?? manifest.out ?? "."),
    owned: Object.fromEntries(
      Object.entries(manifest.units).map(([name, unit]) => [
        name,
        [spec.units?.[name]?.owns ?? unit.owns].flat(),
      ]),
    ),
  };
}

/** The target a request is for: the one whose generation guide it carries. */
function targetOf(user) {
  if (!manifest.targets) return undefined;
  return Object.keys(manifest.targets).find((name) => {
    const guide = manifest.targets[name].guide ?? manifest.guide;
    return user.includes(`## Generation guide (${guide})`);
  });
}

const server = await startFakeModelServer();
server.setHandler((request) => {
  const messages = request.body.messages;
  const user = messages.find((message) => message.role === "user")?.content ?? "";
  const unit = /## Your task: unit `([^`]+)`/.exec(user)?.[1];
  const tokens = (text) => Math.ceil(text.length / 4);
  const promptTokens = tokens(JSON.stringify(messages));
  if (messages.at(-1).role === "tool") {
    return { text: `Wrote the files of unit ${unit}.`, usage: { input: promptTokens, output: 9 } };
  }
  const { out, owned } = layout(targetOf(user));
  const files = (owned[unit] ?? []).map((path) => ({ path, content: readFileSync(join(out, path), "utf8") }));
  return {
    toolCalls: files.map((input) => ({ name: "write_file", input })),
    usage: { input: promptTokens, output: tokens(JSON.stringify(files)) },
  };
});

rmSync(join(dir, "specprompt.lock"), { force: true });
rmSync(join(dir, ".specprompt", "cache"), { recursive: true, force: true });
// Asynchronous on purpose: the fake server answers from this process's event loop.
const child = spawn(process.execPath, [resolve("bin/specprompt.js"), "build", dir], {
  stdio: "inherit",
  env: { ...process.env, OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: "recording", CI: "1" },
});
const code = await new Promise((done) => child.on("close", done));
await server.close();
console.log(`recorded ${server.requests.length} requests`);
process.exit(code ?? 1);
