import { RowbridgeError } from '../../shared/errors.ts';

/** Decoded text and the encoding it was read as (`utf-8`, `utf-16le`, `utf-16be` or `windows-1252`). */
export interface DecodedText {
  readonly text: string;
  readonly encoding: string;
}

const EXPORT_AS_CSV =
  'Export the spreadsheet as CSV: in Google Sheets use File → Download → Comma-separated values (.csv); ' +
  'in Excel use File → Save As → CSV UTF-8.';

/**
 * Decodes a CSV export's bytes. A BOM decides (Excel "Unicode text" is UTF-16 with one); otherwise strict
 * UTF-8, and when the bytes are not valid UTF-8, Windows-1252 (what Excel on Windows writes for "CSV").
 * Spreadsheets and other binary files are refused with a `csv_unreadable` error saying what they look like.
 */
export function decodeCsvBytes(bytes: Uint8Array, label: string): DecodedText {
  // TextDecoder drops the BOM it was chosen by (ignoreBOM defaults to false).
  if (startsWith(bytes, [0xef, 0xbb, 0xbf]))
    return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
  if (startsWith(bytes, [0xff, 0xfe]))
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (startsWith(bytes, [0xfe, 0xff]))
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  refuseBinary(bytes, label);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252' };
  }
}

function refuseBinary(bytes: Uint8Array, label: string): void {
  const looksLike = (what: string) =>
    new RowbridgeError('csv_unreadable', `${label} looks like ${what}, not CSV. ${EXPORT_AS_CSV}`);
  // .xlsx, .ods and .numbers are all zip archives.
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) throw looksLike('an Excel workbook (or another zip file)');
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    throw looksLike('an old Excel (.xls) workbook');
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) throw looksLike('a PDF');
  // Text never contains NUL; UTF-16 without a BOM does, but no spreadsheet writes that.
  if (bytes.subarray(0, 8192).includes(0)) throw looksLike('a binary file');
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((byte, i) => bytes[i] === byte);
}

/**
 * Windows-1252 bytes 0x80-0x9F: € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž and smart quotes, dashes, ™. Decoded by hand
 * because Node 20.18.3+ TextDecoder('windows-1252') decodes them as Latin-1 control characters
 * (nodejs/node#56542, #60888); the five bytes Windows leaves undefined stay as controls, as in WHATWG.
 */
const C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    units[i] = byte >= 0x80 && byte < 0xa0 ? C1.charCodeAt(byte - 0x80) : byte;
  }
  return new TextDecoder('utf-16le').decode(units);
}
