import type { StatusIndex } from "./status-index.js";

/**
 * The status index on disk. It is read on every status, and for 10,000 files as JSON it took
 * longer to parse than Node takes to start, so its bulk is not JSON: a first line of JSON with
 * everything small (key, facts, states, how long each part is), then the stats as the bytes of
 * Float64Arrays (machine-local, like the stats themselves) and the path lists as UTF-8 joined
 * with NUL, the one character no path holds.
 */

const NUMBER_PARTS = ["inputStats", "dirMtimes", "fileStats"] as const;
const LIST_PARTS = ["inputs", "dirs", "files", "units"] as const;

type Header = Omit<StatusIndex, (typeof NUMBER_PARTS)[number] | (typeof LIST_PARTS)[number]> & {
  /** How many numbers each number part holds, and how many entries and bytes each list. */
  parts: Record<(typeof NUMBER_PARTS)[number], number> &
    Record<(typeof LIST_PARTS)[number], [number, number]>;
};

/** The file's bytes. */
export function encodeStatusIndex(index: StatusIndex): Buffer {
  const lists = LIST_PARTS.map((name) => Buffer.from(index[name].join("\0")));
  const { inputs, dirs, files, units, inputStats, dirMtimes, fileStats, ...rest } = index;
  const header: Header = {
    ...rest,
    parts: {
      inputStats: inputStats.length,
      dirMtimes: dirMtimes.length,
      fileStats: fileStats.length,
      inputs: [inputs.length, lists[0]!.length],
      dirs: [dirs.length, lists[1]!.length],
      files: [files.length, lists[2]!.length],
      units: [units.length, lists[3]!.length],
    },
  };
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(header)}\n`),
    ...NUMBER_PARTS.map((name) =>
      Buffer.from(index[name].buffer, index[name].byteOffset, index[name].byteLength),
    ),
    ...lists,
  ]);
}

/** The index in `bytes`, or undefined when they are not one (an older format, a truncated write, an edit). */
export function decodeStatusIndex(bytes: Buffer): StatusIndex | undefined {
  const newline = bytes.indexOf(10);
  if (newline < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(bytes.toString("utf8", 0, newline));
  } catch {
    return undefined;
  }
  const { parts, ...rest } = header ?? {};
  if (typeof parts !== "object" || parts === null) return undefined;
  let at = newline + 1;
  /** The next `length` bytes, or undefined past the end. */
  const take = (length: unknown): Buffer | undefined => {
    if (!Number.isInteger(length) || (length as number) < 0 || at + (length as number) > bytes.length)
      return undefined;
    const part = bytes.subarray(at, at + (length as number));
    at += length as number;
    return part;
  };
  const numbers = (count: unknown): Float64Array | undefined => {
    const part = Number.isInteger(count) ? take(8 * (count as number)) : undefined;
    if (!part) return undefined;
    // Copied: a Float64Array needs 8-byte alignment, which the bytes need not have.
    const values = new Float64Array(part.length / 8);
    new Uint8Array(values.buffer).set(part);
    return values;
  };
  const list = (shape: unknown): string[] | undefined => {
    const [count, length] = Array.isArray(shape) ? shape : [];
    const part = take(length);
    if (!part || !Number.isInteger(count)) return undefined;
    const entries = count === 0 ? [] : part.toString("utf8").split("\0");
    return entries.length === count ? entries : undefined;
  };
  const inputStats = numbers(parts.inputStats);
  const dirMtimes = numbers(parts.dirMtimes);
  const fileStats = numbers(parts.fileStats);
  const inputs = list(parts.inputs);
  const dirs = list(parts.dirs);
  const files = list(parts.files);
  const units = list(parts.units);
  const { fileUnits, states, facts } = rest;
  if (
    at !== bytes.length ||
    !inputStats ||
    !dirMtimes ||
    !fileStats ||
    !inputs ||
    !dirs ||
    !files ||
    !units ||
    inputStats.length !== 3 * inputs.length ||
    dirMtimes.length !== dirs.length ||
    fileStats.length !== 3 * files.length ||
    !Array.isArray(fileUnits) ||
    fileUnits.length !== files.length ||
    typeof states !== "string" ||
    states.length !== files.length ||
    typeof rest.key !== "string" ||
    typeof rest.hashesId !== "string" ||
    typeof rest.outPrefix !== "string" ||
    typeof facts !== "object" ||
    facts === null
  )
    return undefined;
  return { ...rest, inputs, inputStats, dirs, dirMtimes, files, units, fileUnits, fileStats };
}
