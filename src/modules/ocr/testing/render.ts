/**
 * Renders scan-like pages with known text (SVG through sharp/librsvg and the system's CJK fonts):
 * A4 at a given dpi, optional red seals printed over the text, ruled tables, skew, blur, noise,
 * uneven paper and JPEG artefacts. Used by the OCR tests and by bench/ocr.bench.ts.
 */
import sharp from 'sharp';

export interface RenderOptions {
  /** paragraphs of body text; wrapped to the page */
  paragraphs: string[];
  /** a fontconfig family name, e.g. 'Noto Serif CJK SC', 'AR PL UKai CN', 'WenQuanYi Zen Hei' */
  font: string;
  dpi: number;
  /** font size in points (official documents use 16 pt 仿宋 for the body) */
  pointSize?: number;
  /** a title line in a larger bold face, centred */
  title?: string;
  /** red seals printed over the text: number of seals */
  seals?: number;
  /** a handwritten-looking signature (pen scribble in blue-black ink) under the text */
  signature?: boolean;
  /** a table under the text: rows of cells */
  table?: string[][];
  /** `ruled` (default): every cell framed; `unruled`: no lines, columns set apart by wide gaps */
  tableStyle?: 'ruled' | 'unruled';
  /** clockwise skew in degrees */
  skew?: number;
  blur?: number;
  /** standard deviation of grey noise, 0–255 */
  noise?: number;
  /** uneven, yellowish paper */
  unevenPaper?: boolean;
  /** JPEG quality; PNG when absent */
  jpegQuality?: number;
  /** seed for the deterministic random choices */
  seed?: number;
  /** at most this many text lines on the page */
  maxLines?: number;
}

export interface RenderedPage {
  image: Buffer;
  format: 'png' | 'jpeg';
  /** the text printed on the page, line by line (table cells row by row), without seal text */
  text: string;
  /** the table's cell texts, row by row (a short row's last cell spans the remaining columns) */
  cells?: string[][];
  /** the seals printed, with the text on their ring */
  seals?: { box: [number, number, number, number]; text: string }[];
  width: number;
  height: number;
}

const A4_INCHES = [8.27, 11.69] as const;

export async function renderPage(options: RenderOptions): Promise<RenderedPage> {
  const random = rng(options.seed ?? 1);
  const width = Math.round(A4_INCHES[0] * options.dpi);
  const height = Math.round(A4_INCHES[1] * options.dpi);
  const px = ((options.pointSize ?? 14) * options.dpi) / 72;
  const margin = options.dpi * 0.9;
  const lineHeight = px * 1.75;
  const maxLines = options.maxLines ?? Infinity;
  const printed: string[] = [];
  const svg: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  let y = margin;
  if (options.title) {
    const size = px * 1.4;
    y += size;
    svg.push(
      `<text x="${width / 2}" y="${y.toFixed(1)}" font-family="${options.font}" font-size="${size.toFixed(1)}" font-weight="bold" text-anchor="middle">${escapeXml(options.title)}</text>`,
    );
    printed.push(options.title);
    y += size;
  }
  const usable = width - 2 * margin;
  const tableHeight = options.table ? options.table.length * px * 2 + px : 0;
  const bottom = height - margin - tableHeight;
  outer: for (const paragraph of options.paragraphs) {
    const wrapped = wrap(paragraph, usable, px, 2);
    for (const [i, line] of wrapped.entries()) {
      if (y + lineHeight > bottom || printed.length >= maxLines) break outer;
      y += lineHeight;
      const indent = i === 0 ? 2 * px : 0;
      svg.push(
        `<text x="${(margin + indent).toFixed(1)}" y="${y.toFixed(1)}" font-family="${options.font}" font-size="${px.toFixed(1)}">${escapeXml(line)}</text>`,
      );
      printed.push(line);
    }
  }
  if (options.table) {
    y += px;
    const rowHeight = px * 2;
    const columns = Math.max(...options.table.map((row) => row.length));
    // Columns as wide as their longest text (at least an even share), so no text crosses a rule.
    const textWidth = (text: string) =>
      [...text].reduce((w, ch) => w + (ch.charCodeAt(0) < 0x100 ? 0.6 : 1), 0) * px * 0.85 + px;
    const unruled = options.tableStyle === 'unruled';
    // Without rules the columns are told apart by their gaps: three ems between the longest texts.
    const wanted = Array.from(
      { length: columns },
      (_, c) =>
        Math.max(
          unruled ? 0 : usable / columns / 2,
          ...options.table!.filter((row) => row.length === columns).map((row) => textWidth(row[c]!)),
        ) + (unruled ? px * 3 : 0),
    );
    const total = wanted.reduce((a, b) => a + b, 0);
    const widths = wanted.map((w) => (w * usable) / total);
    const fontScale = total > usable ? usable / total : 1;
    for (const [r, row] of options.table.entries()) {
      const top = y + r * rowHeight;
      let left = margin;
      for (const [c, cell] of row.entries()) {
        // A row with fewer cells: its last cell spans the remaining columns.
        const span = c === row.length - 1 ? columns - c : 1;
        const cellWidth = widths.slice(c, c + span).reduce((a, b) => a + b, 0);
        if (!unruled)
          svg.push(
            `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${cellWidth.toFixed(1)}" height="${rowHeight.toFixed(1)}" fill="none" stroke="#000" stroke-width="${Math.max(1, px / 16).toFixed(1)}"/>`,
          );
        svg.push(
          `<text x="${(left + px * 0.4).toFixed(1)}" y="${(top + rowHeight * 0.68).toFixed(1)}" font-family="${options.font}" font-size="${(px * 0.85 * fontScale).toFixed(1)}">${escapeXml(cell)}</text>`,
        );
        left += cellWidth;
      }
      printed.push(row.join(''));
    }
  }
  if (options.signature) {
    const sx = width - margin - options.dpi * 2.2;
    const sy = Math.min(bottom + px * 0.5, height - margin - options.dpi * 0.6);
    svg.push(signature(sx, sy, options.dpi, random));
  }
  const seals: NonNullable<RenderedPage['seals']> = [];
  for (let s = 0; s < (options.seals ?? 0); s++) {
    const radius = options.dpi * 0.8;
    const cx = margin + radius + random() * (usable - 2 * radius);
    const cy = margin + radius + random() * (Math.max(bottom, margin + 2 * radius) - margin - 2 * radius);
    svg.push(seal(cx, cy, radius, options.font, s));
    seals.push({ box: [cx - radius, cy - radius, cx + radius, cy + radius], text: sealText(s) });
  }
  svg.push('</svg>');

  let image = sharp(Buffer.from(svg.join('\n'))).flatten({ background: '#ffffff' });
  if (options.skew) image = image.rotate(options.skew, { background: '#ffffff' });
  if (options.blur) image = image.blur(options.blur);
  const { data: pixels, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let data: Buffer = pixels;
  if (options.noise || options.unevenPaper) {
    data = degrade(
      data,
      info.width,
      info.height,
      info.channels,
      options.noise ?? 0,
      !!options.unevenPaper,
      random,
    );
  }
  const raw = sharp(data, {
    raw: { width: info.width, height: info.height, channels: info.channels },
  }).withMetadata({
    density: options.dpi,
  });
  const out = options.jpegQuality
    ? await raw.jpeg({ quality: options.jpegQuality }).toBuffer()
    : await raw.png({ compressionLevel: 3 }).toBuffer();
  return {
    image: out,
    format: options.jpegQuality ? 'jpeg' : 'png',
    text: printed.join('\n'),
    ...(options.table ? { cells: options.table } : {}),
    ...(seals.length > 0 ? { seals } : {}),
    width: info.width,
    height: info.height,
  };
}

/** A pen scribble: a few loops and a long flourish, about 1.8 × 0.5 inches. */
function signature(x: number, y: number, dpi: number, random: () => number): string {
  const w = dpi * 1.8;
  const h = dpi * 0.5;
  let d = `M ${x.toFixed(1)} ${(y + h * 0.6).toFixed(1)}`;
  const loops = 5 + Math.floor(random() * 3);
  for (let i = 1; i <= loops; i++) {
    const px = x + (w * i) / loops;
    const c1x = px - (w / loops) * (0.2 + random() * 0.6);
    const c1y = y + h * (random() * 0.3);
    const c2x = px - (w / loops) * random();
    const c2y = y + h * (0.7 + random() * 0.3);
    const py = y + h * (0.3 + random() * 0.5);
    d += ` C ${c1x.toFixed(1)} ${c1y.toFixed(1)}, ${c2x.toFixed(1)} ${c2y.toFixed(1)}, ${px.toFixed(1)} ${py.toFixed(1)}`;
  }
  return `<path d="${d}" fill="none" stroke="#1a2a6c" stroke-width="${(dpi / 60).toFixed(1)}" stroke-linecap="round"/>`;
}

/** The ring text of the page's `index`th seal. */
export function sealText(index: number): string {
  return '某某市行政审批服务局业务专用章'.slice(0, 12 + (index % 3));
}

/** A round official seal: red ring, star and ring text, printed with multiply blending like ink. */
function seal(cx: number, cy: number, r: number, font: string, index: number): string {
  const ringText = sealText(index);
  const textRadius = r * 0.78;
  const chars = [...ringText];
  const spread = (Math.PI * 4) / 3;
  const glyphs = chars.map((ch, i) => {
    const a = -Math.PI / 2 - spread / 2 + (spread * (i + 0.5)) / chars.length;
    const x = cx + textRadius * Math.cos(a);
    const y = cy + textRadius * Math.sin(a);
    const deg = (a * 180) / Math.PI + 90;
    return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-family="${font}" font-size="${(r * 0.22).toFixed(1)}" font-weight="bold" text-anchor="middle" dominant-baseline="central" transform="rotate(${deg.toFixed(1)} ${x.toFixed(1)} ${y.toFixed(1)})">${escapeXml(ch)}</text>`;
  });
  const star = Array.from({ length: 10 }, (_, i) => {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r * 0.3 : r * 0.12;
    return `${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * Math.sin(a)).toFixed(1)}`;
  }).join(' ');
  return [
    `<g fill="#d8232a" stroke="#d8232a" opacity="0.88" style="mix-blend-mode:multiply">`,
    `<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="${(r * 0.95).toFixed(1)}" fill="none" stroke-width="${(r * 0.06).toFixed(1)}"/>`,
    `<polygon points="${star}" stroke="none"/>`,
    ...glyphs,
    `</g>`,
  ].join('\n');
}

function degrade(
  data: Buffer,
  width: number,
  height: number,
  channels: number,
  sigma: number,
  uneven: boolean,
  random: () => number,
): Buffer {
  const out = Buffer.from(data);
  const phase = random() * Math.PI * 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Paper darker towards one corner and slightly yellow, as on an old file under a scanner lid.
      const shade = uneven ? 30 * (0.5 + 0.5 * Math.sin(phase + (x / width) * 2 + (y / height) * 1.5)) : 0;
      const n = sigma > 0 ? gaussian(random) * sigma : 0;
      for (let c = 0; c < channels; c++) {
        const at = (y * width + x) * channels + c;
        const tint = uneven && c === 2 ? 25 : 0;
        out[at] = Math.max(0, Math.min(255, Math.round(data[at]! * (1 - (shade + tint) / 255) + n)));
      }
    }
  }
  return out;
}

/** Breaks a paragraph into lines that fit `width` pixels (CJK full width, Latin about half). */
export function wrap(paragraph: string, width: number, px: number, indentEm: number): string[] {
  const lines: string[] = [];
  let line = '';
  let used = indentEm * px;
  for (const ch of paragraph) {
    const w = ch.charCodeAt(0) < 0x100 ? px * 0.6 : px;
    if (used + w > width && line !== '') {
      lines.push(line);
      line = '';
      used = 0;
    }
    line += ch;
    used += w;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** mulberry32: small, fast and deterministic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(1e-9, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
