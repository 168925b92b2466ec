/**
 * Reading labelled and unlabelled JSONL: one `{ "text", "label" }` object per line. Every row is
 * checked before anything is trained or written; the first bad row stops the run with its line number.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { badLabel, badLine, emptyText, noInput, notChinese, textTooLong } from './classify.errors.ts';
import type { LabelledText } from './classify.port.ts';

/** A row longer than this is refused: a record's text worth classifying is far shorter. */
export const MAX_TEXT_CHARS = 2_000_000;

const LABEL_RE = /^[\p{L}\p{N}](?:[\p{L}\p{N} _\-/·.()（）]{0,98}[\p{L}\p{N})）])?$/u;
const HAN_RE = /\p{Script=Han}/gu;

/** `line` names the input line for files; labels from the API have none. */
export function checkLabel(label: string, line?: number): string {
  if (!LABEL_RE.test(label) || /\s{2,}|\s\/|\/\s/.test(label))
    throw badLabel(
      line === undefined
        ? { where: '', whereEn: '' }
        : { line, where: `第 ${line} 行：`, whereEn: `Line ${line}: ` },
    );
  return label;
}

/** Refuses empty, over-long and non-Chinese text (fewer than 2 Han characters, or under 5 % of letters). */
export function checkText(text: string, line: number): string {
  if (text.trim() === '') throw emptyText({ line });
  if (text.length > MAX_TEXT_CHARS) throw textTooLong({ line, chars: text.length, limit: MAX_TEXT_CHARS });
  const sample = text.slice(0, 20_000);
  const han = sample.match(HAN_RE)?.length ?? 0;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (han < 2 || han < letters * 0.05) throw notChinese({ line });
  return text;
}

export interface Row {
  line: number;
  text: string;
  label?: string;
}

/** Reads every row; `requireLabel` for training and evaluation files. */
export async function readJsonl(path: string, requireLabel: boolean): Promise<Row[]> {
  const rows: Row[] = [];
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    if (raw.trim() === '') continue;
    rows.push(parseRow(raw, line, requireLabel));
  }
  if (rows.length === 0) throw noInput();
  return rows;
}

export function parseRow(raw: string, line: number, requireLabel: boolean): Row {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw badLine({ line, reason: '不是有效的 JSON / not valid JSON' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw badLine({ line, reason: '应为 JSON 对象 / expected a JSON object' });
  const { text, label } = value as { text?: unknown; label?: unknown };
  if (typeof text !== 'string') throw badLine({ line, reason: '缺少字符串 "text" / missing string "text"' });
  checkText(text, line);
  if (requireLabel || label !== undefined) {
    if (typeof label !== 'string')
      throw badLine({ line, reason: '缺少字符串 "label" / missing string "label"' });
    return { line, text, label: checkLabel(label, line) };
  }
  return { line, text };
}

export function labelled(rows: Row[]): LabelledText[] {
  return rows.map((r) => ({ text: r.text, label: r.label! }));
}
