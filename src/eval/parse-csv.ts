/** One CSV record and the 1-based line it starts on (quoted fields may span lines). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A CSV syntax error at a line. */
export class CsvSyntaxError extends Error {
  readonly line: number;

  constructor(message: string, line: number) {
    super(message);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/**
 * Parses RFC 4180 CSV: fields separated by commas, records by CRLF, LF or CR; a field in double
 * quotes may hold commas, line breaks and `""` for a quote. Blank (or all-space) lines are skipped. A quote
 * inside an unquoted field is kept as text; text after a closing quote, or a quote that never
 * closes, is a CsvSyntaxError.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const length = text.length;
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    if (!(fields.length === 1 && fields[0]!.trim() === "")) records.push({ fields, line: recordLine });
    fields = [];
  };
  while (i <= length) {
    if (text.charCodeAt(i) === QUOTE) {
      const openedAt = line;
      let value = "";
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close === -1) throw new CsvSyntaxError("a quoted field is never closed", openedAt);
        value += text.slice(from, close);
        line += countLineBreaks(text, from, close);
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += '"';
          from = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
      const next = text.charCodeAt(i);
      if (i < length && next !== COMMA && next !== LF && next !== CR) {
        throw new CsvSyntaxError(
          'text after a closing quote; quote the whole field and write "" for a quote',
          line,
        );
      }
    } else {
      let end = i;
      while (end < length) {
        const code = text.charCodeAt(end);
        if (code === COMMA || code === LF || code === CR) break;
        end++;
      }
      fields.push(text.slice(i, end));
      i = end;
    }
    const code = text.charCodeAt(i);
    if (code === COMMA) {
      i++;
      if (i === length) fields.push("");
      else continue;
    }
    if (i >= length) {
      endRecord();
      break;
    }
    // A line break ends the record.
    i += code === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    endRecord();
    recordLine = line;
    if (i === length) break;
  }
  return records;
}

function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code === LF) count++;
    else if (code === CR && text.charCodeAt(i + 1) !== LF) count++;
  }
  return count;
}
