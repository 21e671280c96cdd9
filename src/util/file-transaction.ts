import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomicSync } from "./atomic-write.js";

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
    journal = prepare(txnDir, changes);
  } catch (error) {
    rmSync(txnDir, { recursive: true, force: true });
    throw error;
  }
  let step = 0;
  const done = async () => hooks.afterStep?.(step++);
  try {
    await done();
    for (const entry of journal.entries) {
      if (entry.existed) {
        renameSync(entry.target, entry.backup);
        await done();
      }
      if (entry.staged) {
        mkdirSync(dirname(entry.target), { recursive: true });
        renameSync(entry.staged, entry.target);
        await done();
      }
    }
    writeJournal(txnDir, { state: "committed", entries: journal.entries });
  } catch (error) {
    // If the rollback fails too, the journal stays for recoverTransactions to finish the job.
    try {
      rollBack(journal);
      rmSync(txnDir, { recursive: true, force: true });
    } catch {}
    throw error;
  }
  await done();
  rmSync(txnDir, { recursive: true, force: true });
}

/** Stage every new content and write the prepared journal; no target is touched yet. */
function prepare(txnDir: string, changes: FileChange[]): Journal {
  mkdirSync(join(txnDir, "new"), { recursive: true });
  mkdirSync(join(txnDir, "backup"), { recursive: true });
  const entries = changes.map((change, index) => {
    const entry: JournalEntry = {
      target: change.path,
      backup: join(txnDir, "backup", String(index)),
      existed: existsSync(change.path),
    };
    if (change.content !== null) {
      entry.staged = join(txnDir, "new", String(index));
      writeFileSync(entry.staged, change.content);
    }
    return entry;
  });
  const journal: Journal = { state: "prepared", entries };
  writeJournal(txnDir, journal);
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
    names = readdirSync(parentDir);
  } catch {
    return 0;
  }
  let rolledBack = 0;
  for (const name of names) {
    const txnDir = join(parentDir, name);
    const journal = readJournal(txnDir);
    if (journal?.state === "prepared") {
      rollBack(journal);
      rolledBack++;
    }
    rmSync(txnDir, { recursive: true, force: true });
  }
  return rolledBack;
}

function rollBack(journal: Journal): void {
  for (const entry of [...journal.entries].reverse()) {
    if (existsSync(entry.backup)) {
      renameSync(entry.backup, entry.target);
    } else if (!entry.existed && entry.staged && !existsSync(entry.staged)) {
      // The staged file was already moved into place: it is ours to remove.
      rmSync(entry.target, { force: true });
    }
  }
}

function writeJournal(txnDir: string, journal: Journal): void {
  writeFileAtomicSync(join(txnDir, JOURNAL), JSON.stringify(journal));
}

function readJournal(txnDir: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(join(txnDir, JOURNAL), "utf8")) as Journal;
  } catch {
    return undefined;
  }
}
