/**
 * The CJK font embedded (as a subset) under the searchable PDF's invisible text. Taken from the
 * system at run time — nothing is downloaded: a TrueType-outline face (pdf-lib subsets `glyf` fonts
 * reliably, not CFF ones such as Noto CJK) that covers Chinese, digits and Latin letters.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import { ocrFontMissing } from './ocr.errors.ts';

export interface CjkFont {
  path: string;
  /** the face inside a TrueType collection (.ttc) */
  postscriptName?: string;
  bytes: Uint8Array;
}

// Debian: fonts-wqy-zenhei, fonts-arphic-uming, fonts-arphic-ukai; Droid Sans Fallback has no digits.
const KNOWN = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', postscriptName: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', postscriptName: 'AR-PL-UMing-CN' },
  { path: '/usr/share/fonts/truetype/arphic/ukai.ttc', postscriptName: 'AR-PL-UKai-CN' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', postscriptName: 'WenQuanYiMicroHei' },
];

/** A face that has glyph outlines in `glyf` and covers 中, 〇-9 and A–z. */
function usable(font: fontkit.Font): boolean {
  const tables = (font as unknown as { directory?: { tables?: Record<string, unknown> } }).directory?.tables;
  return (
    Boolean(tables?.glyf) &&
    [0x4e2d, 0x3001, 0x30, 0x39, 0x41, 0x7a, 0xff08].every((cp) => font.hasGlyphForCodePoint(cp))
  );
}

function openFace(bytes: Uint8Array, postscriptName?: string): fontkit.Font | undefined {
  try {
    const opened = (fontkit.create as (data: Uint8Array, name?: string) => fontkit.Font | undefined)(
      bytes,
      postscriptName,
    );
    // Without a name, a collection gives the collection itself, not a face.
    return opened && 'hasGlyphForCodePoint' in opened ? opened : undefined;
  } catch {
    return undefined;
  }
}

let found: Promise<CjkFont> | undefined;

/** The first usable CJK TrueType font of the system; fails with `ocr.font_missing` if none. */
export function findCjkFont(): Promise<CjkFont> {
  found ??= (async () => {
    const candidates: { path: string; postscriptName?: string }[] = [...KNOWN];
    try {
      // fontconfig knows fonts installed elsewhere (other distributions, /usr/local/share/fonts).
      const { stdout } = await promisify(execFile)('fc-list', [':lang=zh', 'file', 'postscriptname'], {
        timeout: 5000,
      });
      for (const line of stdout.split('\n')) {
        const match = /^(.+\.tt[cf]): ?(?::postscriptname=(.+))?$/i.exec(line.trim());
        if (match) candidates.push({ path: match[1]!, ...(match[2] ? { postscriptName: match[2] } : {}) });
      }
    } catch {
      // no fontconfig: the known paths are all we try
    }
    for (const candidate of candidates) {
      const bytes = await readFile(candidate.path).catch(() => undefined);
      if (!bytes) continue;
      const face = openFace(bytes, candidate.postscriptName);
      if (face && usable(face)) return { ...candidate, bytes };
    }
    throw ocrFontMissing();
  })();
  found.catch(() => (found = undefined));
  return found;
}

/** A fontkit for pdf-lib that opens the chosen face of a collection. */
export function fontkitFor(font: CjkFont): { create: (data: Uint8Array) => fontkit.Font } {
  return { create: (data) => openFace(data, font.postscriptName) ?? fontkit.create(data) };
}
