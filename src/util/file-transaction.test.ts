import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyFileTransaction, type FileChange, recoverTransactions } from "./file-transaction.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "specprompt-txn-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const BINARY = Uint8Array.from([0, 255, 10, 13, 128]);

/** A tree with a file to replace, one to delete, a binary one to replace; and the changes. */
async function setUp(name: string): Promise<{ staging: string; changes: FileChange[] }> {
  const tree = join(root, name, "tree");
  await mkdir(tree, { recursive: true });
  await writeFile(join(tree, "keep.txt"), "old keep\n");
  await writeFile(join(tree, "gone.txt"), "old gone\n");
  await writeFile(join(tree, "bin.dat"), Uint8Array.from([1, 2, 3]));
  const changes: FileChange[] = [
    { path: join(tree, "keep.txt"), content: "new keep\n" },
    { path: join(tree, "gone.txt"), content: null },
    { path: join(tree, "new", "dir", "fresh.txt"), content: "fresh\n" },
    { path: join(tree, "bin.dat"), content: BINARY },
    { path: join(tree, "never-there.txt"), content: null },
  ];
  return { staging: join(root, name, "staging"), changes };
}

/** Every target's bytes, or null when it does not exist. */
async function snapshot(changes: FileChange[]): Promise<Array<Buffer | null>> {
  return Promise.all(changes.map((change) => readFile(change.path).catch(() => null)));
}

function expected(changes: FileChange[]): Array<Buffer | null> {
  return changes.map((change) => (change.content === null ? null : Buffer.from(change.content)));
}

/** Run the transaction and freeze it after `step`, as if the process died there. */
async function crashAfter(step: number, staging: string, changes: FileChange[]): Promise<boolean> {
  let reached!: () => void;
  const crashed = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const applied = applyFileTransaction(join(staging, "b1"), changes, {
    afterStep: (current) => {
      if (current !== step) return;
      reached();
      return new Promise<void>(() => {}); // never continues: the process is gone
    },
  });
  return Promise.race([crashed.then(() => true), applied.then(() => false)]);
}

describe("applyFileTransaction", () => {
  it("creates, replaces and deletes every target and leaves no transaction behind", async () => {
    const { staging, changes } = await setUp("ok");
    await applyFileTransaction(join(staging, "b1"), changes);
    expect(await snapshot(changes)).toEqual(expected(changes));
    expect(await readdir(staging)).toEqual([]);
  });

  it("rolls back every target when a step fails in this process, and rethrows the failure", async () => {
    const { staging, changes } = await setUp("fail");
    const before = await snapshot(changes);
    const failure = new Error("disk on fire");
    const applied = applyFileTransaction(join(staging, "b1"), changes, {
      afterStep: (step) => {
        if (step === 4) throw failure;
      },
    });
    await expect(applied).rejects.toBe(failure);
    expect(await snapshot(changes)).toEqual(before);
    expect(await readdir(staging)).toEqual([]);
  });

  it("rolls back the targets already changed when a later one cannot be written", async () => {
    const { staging, changes } = await setUp("enotdir");
    const blocked = { path: join(changes[0]!.path, "child.txt"), content: "under a file\n" };
    const before = await snapshot(changes);
    await expect(applyFileTransaction(join(staging, "b1"), [...changes, blocked])).rejects.toThrow();
    expect(await snapshot(changes)).toEqual(before);
    expect(existsSync(join(staging, "b1"))).toBe(false);
  });
});

describe("recoverTransactions", () => {
  it("puts every target back byte for byte after a crash at any step before the commit", async () => {
    let step = 0;
    for (; ; step++) {
      const { staging, changes } = await setUp(`step-${step}`);
      const before = await snapshot(changes);
      if (!(await crashAfter(step, staging, changes))) break;
      if (await isCommitted(staging)) continue; // the committed step has its own test below
      expect(await recoverTransactions(staging), `step ${step}`).toBe(1);
      expect(await snapshot(changes), `step ${step}`).toEqual(before);
      expect(await readdir(staging)).toEqual([]);
    }
    // The journal, two renames per replaced file, one per delete and create, the commit.
    expect(step).toBe(1 + 2 + 1 + 1 + 2 + 1);
  });

  it("only cleans up a transaction whose journal says committed", async () => {
    const { staging, changes } = await setUp("committed");
    expect(await crashAfter(7, staging, changes)).toBe(true);
    expect(await isCommitted(staging)).toBe(true);
    expect(await recoverTransactions(staging)).toBe(0);
    expect(await snapshot(changes)).toEqual(expected(changes));
    expect(await readdir(staging)).toEqual([]);
  });

  it("removes a transaction that died while staging, before any target was touched", async () => {
    const { staging, changes } = await setUp("staging");
    const before = await snapshot(changes);
    await mkdir(join(staging, "b1", "new"), { recursive: true });
    await writeFile(join(staging, "b1", "new", "0"), "half staged");
    expect(await recoverTransactions(staging)).toBe(0);
    expect(await snapshot(changes)).toEqual(before);
    expect(await readdir(staging)).toEqual([]);
  });

  it("finds nothing to do when the staging folder does not exist", async () => {
    expect(await recoverTransactions(join(root, "nowhere"))).toBe(0);
  });
});

async function isCommitted(staging: string): Promise<boolean> {
  const journal = JSON.parse(await readFile(join(staging, "b1", "journal.json"), "utf8")) as {
    state: string;
  };
  return journal.state === "committed";
}
