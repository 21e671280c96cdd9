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

/**
 * Apply several file changes as one unit. Everything is staged in `txnDir` (which must be on the
 * same filesystem as the targets) and a journal is written before the first target is touched, so
 * that `recoverTransactions` can put every target back if the process dies half-way.
 */
export async function applyFileTransaction(txnDir: string, changes: FileChange[]): Promise<void> {
  await mkdir(join(txnDir, "new"), { recursive: true });
  await mkdir(join(txnDir, "backup"), { recursive: true });
  const entries: JournalEntry[] = [];
  await Promise.all(
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
      entries[index] = entry;
    }),
  );
  await writeJournal(txnDir, { state: "prepared", entries });
  for (const entry of entries) {
    if (entry.existed) await rename(entry.target, entry.backup);
    if (entry.staged) {
      await mkdir(dirname(entry.target), { recursive: true });
      await rename(entry.staged, entry.target);
    }
  }
  await writeJournal(txnDir, { state: "committed", entries });
  await rm(txnDir, { recursive: true, force: true });
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
