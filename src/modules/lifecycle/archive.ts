/**
 * The archive's file formats: CSV per RFC 4180 that spreadsheets open safely, and a ZIP written as a
 * stream (fflate), so a large workspace is sent while it is compressed rather than after.
 */
import { PassThrough, type Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { stringify } from 'csv-stringify/sync';
import { strToU8, Zip, ZipDeflate } from 'fflate';

export type CsvValue = string | number | boolean | Date | null | undefined | readonly string[] | Record<string, unknown>;

/**
 * A CSV document (csv-stringify): a header row, then one row per record, CRLF line ends, a byte-order
 * mark so spreadsheets read UTF-8, and text that starts like a formula (= + - @, tab, carriage
 * return) prefixed with a quote so spreadsheets do not run it. Dates as ISO 8601, lists joined by
 * spaces, objects as JSON.
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return stringify([columns, ...rows] as unknown[][], {
    bom: true,
    record_delimiter: 'windows',
    escape_formulas: true,
    cast: {
      boolean: (value) => String(value),
      date: (value) => value.toISOString(),
      object: (value) => (Array.isArray(value) ? value.join(' ') : JSON.stringify(value)),
    },
  });
}

export interface ArchiveEntry {
  name: string;
  content: string | Uint8Array;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * A ZIP of `entries` as a byte stream. Compression runs chunk by chunk, yielding to the event loop
 * between chunks, so other requests are served while a large archive is written.
 */
export function zipStream(entries: readonly ArchiveEntry[], modifiedAt: Date = new Date()): Readable {
  const out = new PassThrough();
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      out.destroy(err);
      return;
    }
    out.write(chunk);
    if (final) out.end();
  });
  void (async () => {
    for (const entry of entries) {
      const file = new ZipDeflate(entry.name, { level: 6 });
      file.mtime = modifiedAt;
      zip.add(file);
      const bytes = typeof entry.content === 'string' ? strToU8(entry.content) : entry.content;
      if (bytes.length === 0) file.push(new Uint8Array(0), true);
      for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
        file.push(bytes.subarray(offset, offset + CHUNK_BYTES), offset + CHUNK_BYTES >= bytes.length);
        await nextTurn();
      }
    }
    zip.end();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
