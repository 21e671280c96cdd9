import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "./atomic-write.js";

/** One file to create, replace (`content`) or delete (`content: null`). */
export interface FileChange {
  /** Absolute target path. */
  path: string;
  content: string | Uint8Array | null;
}

interface JournalEntry {
  target: string;
  staged?: string;
  backup: string;
  existed: boolean;
}

interface Journal {
  state: "prepared" | "committed";
  entries: JournalEntry[];
}

const JOURNAL = "journal.json";

/** Test seam: called after each step that touches the disk once the journal exists. */
export interface TransactionHooks {
  /** Step 0 is the prepared journal, then one step per rename, then the committed journal. */
  afterStep?(step: number): void | Promise<void>;
}

/**
 * Apply several file changes as one unit. Everything is staged in `txnDir` (which must be on the
 * same filesystem as the targets) and a journal is written before the first target is touched, so
 * that `recoverTransactions` can put every target back if the process dies half-way. A failure
 * within this process is rolled back before it is rethrown.
 */
export async function applyFileTransaction(
  txnDir: string,
  changes: FileChange[],
  hooks: TransactionHooks = {},
): Promise<void> {
  let journal: Journal;
  try {
    journal = await prepare(txnDir, changes);
  } catch (error) {
    await rm(txnDir, { recursive: true, force: true });
    throw error;
  }
  let step = 0;
  const done = async () => hooks.afterStep?.(step++);
  try {
    await done();
    for (const entry of journal.entries) {
      if (entry.existed) {
        await rename(entry.target, entry.backup);
        await done();
      }
      if (entry.staged) {
        await mkdir(dirname(entry.target), { recursive: true });
        await rename(entry.staged, entry.target);
        await done();
      }
    }
    await writeJournal(txnDir, { state: "committed", entries: journal.entries });
  } catch (error) {
    // If the rollback fails too, the journal stays for recoverTransactions to finish the job.
    await rollBack(journal).then(
      () => rm(txnDir, { recursive: true, force: true }),
      () => {},
    );
    throw error;
  }
  await done();
  await rm(txnDir, { recursive: true, force: true });
}

/** Stage every new content and write the prepared journal; no target is touched yet. */
async function prepare(txnDir: string, changes: FileChange[]): Promise<Journal> {
  await mkdir(join(txnDir, "new"), { recursive: true });
  await mkdir(join(txnDir, "backup"), { recursive: true });
  const entries = await Promise.all(
    changes.map(async (change, index) => {
      const entry: JournalEntry = {
        target: change.path,
        backup: join(txnDir, "backup", String(index)),
        existed: existsSync(change.path),
      };
      if (change.content !== null) {
        entry.staged = join(txnDir, "new", String(index));
        await writeFile(entry.staged, change.content);
      }
      return entry;
    }),
  );
  const journal: Journal = { state: "prepared", entries };
  await writeJournal(txnDir, journal);
  return journal;
}

/**
 * Finish or undo transactions left behind by a killed process: a committed one is only cleaned
 * up, a prepared one is rolled back so every target is exactly as before it started.
 * Returns how many were rolled back.
 */
export async function recoverTransactions(parentDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(parentDir);
  } catch {
    return 0;
  }
  let rolledBack = 0;
  for (const name of names) {
    const txnDir = join(parentDir, name);
    const journal = await readJournal(txnDir);
    if (journal?.state === "prepared") {
      await rollBack(journal);
      rolledBack++;
    }
    await rm(txnDir, { recursive: true, force: true });
  }
  return rolledBack;
}

async function rollBack(journal: Journal): Promise<void> {
  for (const entry of [...journal.entries].reverse()) {
    if (existsSync(entry.backup)) {
      await rename(entry.backup, entry.target);
    } else if (!entry.existed && entry.staged && !existsSync(entry.staged)) {
      // The staged file was already moved into place: it is ours to remove.
      await rm(entry.target, { force: true });
    }
  }
}

async function writeJournal(txnDir: string, journal: Journal): Promise<void> {
  await writeFileAtomic(join(txnDir, JOURNAL), JSON.stringify(journal));
}

async function readJournal(txnDir: string): Promise<Journal | undefined> {
  try {
    return JSON.parse(await readFile(join(txnDir, JOURNAL), "utf8")) as Journal;
  } catch {
    return undefined;
  }
}
