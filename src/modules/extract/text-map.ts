/**
 * The text the field patterns run on: full-width letters, digits and punctuation folded to
 * half-width and horizontal spaces removed (OCR output is full of stray spaces: "呼审批发 〔2024〕 17 号"),
 * with a map from every position back to the original text, so each value keeps its position.
 */
export interface MappedText {
  /** folded text, no spaces or tabs, newlines kept */
  text: string;
  /** original offset of each folded character, plus one past the end */
  map: number[];
}

const DASHES = new Set(['—', '–', '‐', '‑', '−', '－']);

export function foldText(original: string): MappedText {
  let text = '';
  const map: number[] = [];
  for (let i = 0; i < original.length; i++) {
    const ch = original[i]!;
    const code = ch.charCodeAt(0);
    if (ch === ' ' || ch === '\t' || ch === '\u3000' || ch === '\u00a0' || ch === '\r') continue;
    let out = ch;
    if (code >= 0xff01 && code <= 0xff5e) out = String.fromCharCode(code - 0xfee0);
    else if (DASHES.has(ch)) out = '-';
    text += out;
    map.push(i);
  }
  map.push(original.length);
  return { text, map };
}

/** Original [start, end) of the folded span [from, to). */
export function originalSpan(mapped: MappedText, from: number, to: number): { start: number; end: number } {
  return { start: mapped.map[from]!, end: (mapped.map[to - 1] ?? mapped.map[from]!) + 1 };
}

/** OCR reads 0 as O/o and 1 as l/I/|; inside a number those letters can only be digits. */
export const DIGITISH = '[0-9OoIl|]';

export function fixDigits(text: string): string {
  return text.replace(/[Oo]/g, '0').replace(/[Il|]/g, '1');
}
