/**
 * Metadata manifests for batch ingest: JSON (an array of rows with a "file" key, or an object keyed
 * by file) or CSV with a header row. Column names are the metadata field names; extra fields are
 * "extra.<name>"; keywords are separated by ";" or "；". Every row is validated by the record schema,
 * and the first bad field is named with its row.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { recordMetadataPatchSchema, type RecordMetadataPatch } from '../records/records.models.ts';
import { manifestInvalid, manifestUnreadable } from './ingest.errors.ts';

export interface Manifest {
  /** metadata for a file, matched by its path as given, then by its base name */
  lookup(path: string): RecordMetadataPatch | undefined;
  readonly size: number;
}

const NUMBER_FIELDS = new Set(['year', 'pageCount']);

export async function readManifest(path: string): Promise<Manifest> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw manifestUnreadable({ manifest: path, reason: (error as Error).message });
  }
  const text = decodeManifest(bytes).replace(/^\uFEFF/, '');
  const rows = extname(path).toLowerCase() === '.csv' ? csvRows(path, text) : jsonRows(path, text);
  const byPath = new Map<string, RecordMetadataPatch>();
  rows.forEach((raw, index) => {
    const row = index + 1;
    const { file, ...fields } = raw;
    if (typeof file !== 'string' || file.trim() === '')
      throw manifestInvalid({ manifest: path, row, field: 'file', reason: '缺少文件名 / missing file name' });
    const parsed = recordMetadataPatchSchema.safeParse(fields);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.code === 'unrecognized_keys' ? issue.keys[0]! : issue.path.join('.');
      const reason = issue.code === 'unrecognized_keys' ? '未知著录项 / unknown field' : issue.message;
      throw manifestInvalid({ manifest: path, row, field, reason });
    }
    byPath.set(normalise(file), parsed.data);
  });
  const byName = new Map<string, RecordMetadataPatch>();
  for (const [file, meta] of byPath) byName.set(basename(file), meta);
  return {
    size: byPath.size,
    lookup: (file) => byPath.get(normalise(file)) ?? byName.get(basename(file)),
  };
}

/**
 * UTF-8 when the bytes are valid UTF-8, else GB 18030: spreadsheets saved as CSV on Chinese Windows
 * (Excel, WPS) are GB 18030 (GBK) encoded, and a manifest must not turn into mojibake.
 */
export function decodeManifest(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').normalize('NFC');
}

function jsonRows(path: string, text: string): Record<string, unknown>[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw manifestUnreadable({ manifest: path, reason: (error as Error).message });
  }
  if (Array.isArray(value)) {
    return value.map((row, i) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row))
        throw manifestInvalid({
          manifest: path,
          row: i + 1,
          field: '(row)',
          reason: '应为对象 / must be an object',
        });
      return row as Record<string, unknown>;
    });
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([file, meta], i) => {
      if (meta === null || typeof meta !== 'object' || Array.isArray(meta))
        throw manifestInvalid({
          manifest: path,
          row: i + 1,
          field: file,
          reason: '应为对象 / must be an object',
        });
      return { file, ...(meta as Record<string, unknown>) };
    });
  }
  throw manifestUnreadable({ manifest: path, reason: '应为数组或对象 / must be an array or an object' });
}

function csvRows(path: string, text: string): Record<string, unknown>[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv<Record<string, string>>(text, {
      columns: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    });
  } catch (error) {
    throw manifestUnreadable({ manifest: path, reason: (error as Error).message });
  }
  return records.map((record, i) => {
    const row: Record<string, unknown> = {};
    const extra: Record<string, string> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (cell === '') continue;
      if (column.startsWith('extra.')) extra[column.slice(6)] = cell;
      else if (column === 'keywords')
        row.keywords = cell
          .split(/[;；]/)
          .map((k) => k.trim())
          .filter(Boolean);
      else if (NUMBER_FIELDS.has(column)) {
        const n = Number(cell);
        if (!Number.isFinite(n))
          throw manifestInvalid({
            manifest: path,
            row: i + 1,
            field: column,
            reason: `不是数字 / not a number: ${cell}`,
          });
        row[column] = n;
      } else row[column] = cell;
    }
    if (Object.keys(extra).length > 0) row.extra = extra;
    return row;
  });
}
