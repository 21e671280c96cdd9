import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { isGroupRunning, signalGroup, terminateGroup } from "./process-group.js";

let leader: ChildProcess | undefined;
afterEach(() => {
  if (leader?.pid !== undefined) signalGroup(leader.pid, "SIGKILL");
  leader = undefined;
});

/** Starts `script` with /bin/sh as the leader of a new process group. */
function startGroup(script: string): number {
  leader = spawn("/bin/sh", ["-c", script], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
  if (leader.pid === undefined) throw new Error("could not start the group");
  return leader.pid;
}

function isZombie(pid: number): boolean {
  const path = `/proc/${pid}/stat`;
  if (!existsSync(path)) return false;
  const stat = readFileSync(path, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
}

describe("process groups", () => {
  it("ends every process of a group, with SIGKILL for those that ignore SIGTERM", async () => {
    const pgid = startGroup("trap '' TERM; sleep 30 & sleep 30");
    expect(isGroupRunning(pgid)).toBe(true);
    const started = Date.now();
    await terminateGroup(pgid, 200);
    expect(Date.now() - started).toBeLessThan(2000);
    // SIGKILL takes effect a moment after it is sent.
    for (let i = 0; i < 50 && isGroupRunning(pgid); i++) await sleep(20);
    expect(isGroupRunning(pgid)).toBe(false);
  });

  it.runIf(existsSync("/proc/self/stat"))("does not count a zombie nobody reaps as running", async () => {
    // The setsid'ed shell gets a group of its own and exits; its parent becomes `sleep`, which
    // never reaps it, so the group holds only a zombie that still answers kill(-pgid, 0).
    startGroup("setsid sh -c 'echo $$; sleep 0.1' & exec sleep 30");
    const [line] = (await once(leader?.stdout ?? process.stdin, "data")) as [Buffer];
    const pgid = Number(line.toString().trim());
    for (let i = 0; i < 100 && !isZombie(pgid); i++) await sleep(20);
    expect(isZombie(pgid)).toBe(true);
    expect(signalGroup(pgid, 0)).toBe(true);
    expect(isGroupRunning(pgid)).toBe(false);
  });
});
