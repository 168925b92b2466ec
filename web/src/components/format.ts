/** Small display helpers shared by the pages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const pad = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/**
 * The search snippet is HTML-escaped text with <mark> around the hits. It is split into text pieces
 * instead of being inserted as HTML, so nothing in a document can ever run as markup in the page.
 */
export function snippetParts(snippet: string): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = [];
  let hit = false;
  for (const piece of snippet.split(/(<\/?mark>)/)) {
    if (piece === '<mark>') hit = true;
    else if (piece === '</mark>') hit = false;
    else if (piece)
      parts.push({ text: piece.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m), hit });
  }
  return parts;
}

/** Letters and digits of a text, folded for comparison (width, case; spaces and punctuation dropped). */
const foldedText = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** A year, a span of years or a date typed as a word (2023年, 2020-2023, 2016年3月15日, 2016-03). */
const YEAR = '(?:19[5-9]\\d|20\\d\\d)';
const MONTH = '(?:0?[1-9]|1[0-2])';
const DAY = '(?:0?[1-9]|[12]\\d|3[01])';
const YEAR_OR_DATE = new RegExp(
  `^(?:${YEAR}年?(?:[-–—~至到]${YEAR})?(?:年度?)?` +
    `|${YEAR}年${MONTH}月(?:${DAY}[日号])?` +
    `|${YEAR}([-./])${MONTH}(?:\\1${DAY})?)$`,
);

/**
 * Whether a hit holds what was typed, word by word, in its title or its snippet (ignoring width,
 * case, spaces and punctuation): such a hit is no near match, whatever way the index found it.
 */
export function holdsTyped(query: string, hit: { title: string; snippet: string }): boolean {
  // Not words to hold: the words left out (-食品, NOT 食品), AND and OR, and a year, a span of
  // years or a date (a preference: 2023年, 2020-2023, 2016年3月15日, 2016-03-15).
  const words = query
    .normalize('NFKC')
    .replace(/(^|\s)(?:-|NOT\s+)[^\s"“”「」『』-]\S*/g, ' ')
    .split(/\s+/)
    .filter((word) => !/^(?:AND|OR|&&|\|\|)$/.test(word) && !YEAR_OR_DATE.test(word))
    .map(foldedText)
    .filter(Boolean);
  if (words.length === 0) return false;
  const title = foldedText(hit.title);
  const snippet = foldedText(
    snippetParts(hit.snippet)
      .map((p) => p.text)
      .join(''),
  );
  return words.every((word) => title.includes(word) || snippet.includes(word));
}

/**
 * What the user probably meant when nothing matched exactly: the first run of marked words in the
 * best snippets, with gaps of one or two characters inside it filled ("施工" "许" "可证" → 施工许可证).
 */
export function suggestedTerms(hits: readonly { snippet: string; title: string }[]): string | null {
  for (const hit of hits.slice(0, 3)) {
    const parts = snippetParts(hit.snippet);
    const first = parts.findIndex((p) => p.hit);
    if (first < 0) continue;
    let run = parts[first]!.text;
    for (let i = first + 1; i < parts.length; i++) {
      const part = parts[i]!;
      if (part.hit) run += part.text;
      else if (part.text.length <= 2 && parts[i + 1]?.hit && !/\s/.test(part.text)) run += part.text;
      else break;
    }
    if (run.trim()) return run.trim();
  }
  return hits[0]?.title ?? null;
}

/**
 * The job counts of GET /system/status by key: label (Chinese, English) and tag colour. Jobs done
 * are counted over the last day only.
 */
export const JOB_STATES: Record<string, [string, string, string]> = {
  queued: ['排队', 'Queued', 'blue'],
  running: ['运行中', 'Running', 'processing'],
  failed: ['失败', 'Failed', 'red'],
  doneLastDay: ['24 小时内完成', 'Done in 24 h', 'green'],
};
