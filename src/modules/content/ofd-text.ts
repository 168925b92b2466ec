/**
 * Text of an OFD (GB/T 33190-2016): the TextCode elements of each page's Content.xml, pages in
 * the order Document.xml lists them. Text objects are placed by coordinates, so a new line is
 * started when the baseline moves, and nothing is inserted between Chinese characters.
 */
import { ofdPages } from './containers.ts';
import { scanXml } from './xml-scan.ts';
import { entryChunks, type OpenedZip } from './zip-inspect.ts';

interface Piece {
  y: number;
  size: number;
  text: string;
}

function numbers(value: string | undefined): number[] {
  return (value ?? '')
    .trim()
    .split(/[\s,]+/)
    .map(Number);
}

async function pageText(opened: OpenedZip, part: string): Promise<string> {
  const pieces: Piece[] = [];
  let origin = { y: 0, size: 0 };
  let current: Piece | undefined;
  let lastY = 0;
  await scanXml(entryChunks(opened, opened.entries.get(part)!), {
    open: (name, attributes) => {
      if (name === 'TextObject') {
        origin = { y: numbers(attributes.Boundary)[1] ?? 0, size: Number(attributes.Size) || 0 };
      } else if (name === 'TextCode') {
        // Y is relative to the text object's boundary; a TextCode without one continues the last line.
        const y = attributes.Y === undefined ? lastY : origin.y + (Number(attributes.Y) || 0);
        lastY = y;
        current = { y, size: origin.size, text: '' };
      }
    },
    close: (name) => {
      if (name === 'TextCode' && current) {
        if (current.text) pieces.push(current);
        current = undefined;
      }
    },
    text: (text) => {
      if (current) current.text += text;
    },
  });

  let out = '';
  let previous: Piece | undefined;
  for (const piece of pieces) {
    if (previous) {
      const tolerance = Math.max(previous.size, 1) * 0.5;
      if (Math.abs(piece.y - previous.y) > tolerance) out += '\n';
      // Latin words set as separate objects on one line still need their space.
      else if (/[A-Za-z0-9]$/.test(out) && /^[A-Za-z0-9]/.test(piece.text)) out += ' ';
    }
    out += piece.text;
    previous = piece;
  }
  return out;
}

/** Each page's text; `complete` is false when pages were left unread past `maxChars`. */
export async function ofdText(
  opened: OpenedZip,
  maxChars: number,
): Promise<{ pages: { number: number; text: string }[]; complete: boolean }> {
  const pages: { number: number; text: string }[] = [];
  const parts = await ofdPages(opened);
  let total = 0;
  for (const [index, part] of parts.entries()) {
    if (total > maxChars) return { pages, complete: false };
    const text = await pageText(opened, part);
    pages.push({ number: index + 1, text });
    total += text.length;
  }
  return { pages, complete: true };
}
