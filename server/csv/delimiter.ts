/** The delimiters exports actually use: Sheets `,`; Excel in much of Europe `;`; "Unicode text" tab; `|`. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Enough records to see a pattern, from a sample small enough to stay fast on huge files. */
const SAMPLE_CHARS = 64 * 1024;
const SAMPLE_RECORDS = 50;

/**
 * Picks the delimiter by counting each candidate outside quotes in the first records: it must appear in
 * the header, and the winner is the one whose count in the header is repeated by the most data rows
 * (a `;` file with decimal commas, or a tab file with commas in notes, still sniff correctly). Ties go
 * to the larger header count, then to `DELIMITERS` order. A one-column file gets `,`.
 */
export function sniffDelimiter(text: string): string {
  const sample = text.slice(0, SAMPLE_CHARS);
  let best = { delimiter: ',', matches: -1, header: 0 };
  for (const delimiter of DELIMITERS) {
    const [header = 0, ...rows] = scan(sample, delimiter, SAMPLE_RECORDS).counts;
    if (header === 0) continue;
    const matches = rows.filter((count) => count === header).length;
    if (matches > best.matches || (matches === best.matches && header > best.header)) {
      best = { delimiter, matches, header };
    }
  }
  return best.delimiter;
}

/** The line on which a quoted field opens and never closes, if there is one. */
export function findUnclosedQuoteLine(text: string, delimiter: string): number | undefined {
  return scan(text, delimiter, Number.POSITIVE_INFINITY).unclosedQuoteLine;
}

interface Scan {
  /** Delimiters per non-blank record, in order. */
  readonly counts: number[];
  readonly unclosedQuoteLine?: number;
}

/**
 * A minimal tokenizer with the same quote rules as our csv-parse options (`relax_quotes`): a quote opens
 * a quoted field only at the start of a field, `""` inside one is a literal quote. Lines are physical
 * lines (CRLF, LF or CR each end one), counted from 1, so error messages match what an editor shows.
 */
function scan(text: string, delimiter: string, maxRecords: number): Scan {
  const counts: number[] = [];
  let line = 1;
  let quoteLine = 0;
  let inQuotes = false;
  let fieldStart = true;
  let count = 0;
  let blank = true;
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const ch = text[i];
    const lineBreak = ch === '\n' || ch === '\r';
    if (lineBreak && ch === '\r' && text[i + 1] === '\n') i++;
    if (inQuotes) {
      if (lineBreak) line++;
      else if (ch === '"' && text[i + 1] === '"') i++;
      else if (ch === '"') inQuotes = false;
    } else if (lineBreak) {
      line++;
      if (!blank || count > 0) counts.push(count);
      [count, fieldStart, blank] = [0, true, true];
    } else if (ch === delimiter) {
      [count, fieldStart] = [count + 1, true];
    } else if (ch === '"' && fieldStart) {
      [inQuotes, quoteLine, fieldStart, blank] = [true, line, false, false];
    } else {
      fieldStart = false;
      if (ch !== ' ' && ch !== '\t') blank = false;
    }
  }
  if ((!blank || count > 0) && counts.length < maxRecords) counts.push(count);
  return inQuotes ? { counts, unclosedQuoteLine: quoteLine } : { counts };
}
