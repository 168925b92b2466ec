/**
 * A deterministic corpus of born-digital files for the ingest benchmark: Chinese text and Markdown
 * (the national laws in ../shared/data/lawrefbook-laws when present, generated Chinese text
 * otherwise), PDFs (pdf-lib: text pages plus JPEG-like image streams, so large ones are scan-like and
 * incompressible), DOCX (fflate: document.xml from the same text plus stored media) and PNG/JPEG-like
 * images. Every byte follows from the seed, the set and the file's number, so two runs (and two
 * machines with the same shared data) measure the same files; every file differs from every other,
 * so nothing is deduplicated away.
 *
 * A finished set is described by <corpus>/<set>.manifest.json (written last), and reused when its
 * parameters match; the files themselves live in <corpus>/<set>/ so that `dangan ingest <folder>`
 * can take the folder as it is.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

export type Kind = 'txt' | 'md' | 'pdf' | 'docx' | 'jpeg' | 'png';
export type SetName = 'a' | 'b' | 'c';

export interface CorpusFile {
  /** path relative to the set's folder (this is also the name the file is ingested under) */
  name: string;
  kind: Kind;
  size: number;
}

export interface CorpusSet {
  set: SetName;
  dir: string;
  files: CorpusFile[];
  bytes: number;
  /** where the text came from: 'lawrefbook-laws' or 'generated' */
  textSource: string;
}

export interface SetParams {
  set: SetName;
  count: number;
  /** a: the size of every file; b: the size of every file; c: ignored (10 kB … 5 MB, log-uniform) */
  size: number;
  seed: number;
}

/** Bumped whenever the generator changes what it writes, so stale cached sets are rebuilt. */
export const GENERATOR_VERSION = 3;

// ---- deterministic randomness -------------------------------------------------------------------

/** sfc32 seeded from a string: fast, good enough for choices and sizes, identical everywhere. */
export function rngFor(label: string): () => number {
  const seed = createHash('sha256').update(`rng:${label}`).digest();
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** `length` incompressible bytes: the AES-256-CTR keystream of a key derived from the label. */
export function noise(label: string, length: number): Buffer {
  const key = createHash('sha256').update(`key:${label}`).digest();
  const iv = createHash('sha256').update(`iv:${label}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const out = cipher.update(Buffer.alloc(length));
  cipher.final();
  return out;
}

const pick = <T>(rng: () => number, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

// ---- text sources -------------------------------------------------------------------------------

interface TextSource {
  name: string;
  /** each law as Markdown, and as plain text (headings unmarked, comments dropped) */
  md: Buffer[];
  txt: Buffer[];
  titles: string[];
}

let textSource: Promise<TextSource> | undefined;

/** The laws in lawrefbook-laws (sorted by path), or generated Chinese text when they are absent. */
export function loadText(lawsDir: string | undefined): Promise<TextSource> {
  textSource ??= (async () => {
    if (lawsDir && existsSync(lawsDir)) {
      const paths: string[] = [];
      const walk = async (dir: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) await walk(path);
          else if (entry.isFile() && entry.name.endsWith('.md')) paths.push(path);
        }
      };
      await walk(lawsDir);
      paths.sort((x, y) => (relative(lawsDir, x) < relative(lawsDir, y) ? -1 : 1));
      if (paths.length > 0) {
        const md: Buffer[] = [];
        const txt: Buffer[] = [];
        const titles: string[] = [];
        for (const path of paths) {
          const text = await readFile(path, 'utf8');
          md.push(Buffer.from(text));
          txt.push(Buffer.from(markdownToText(text)));
          titles.push(/^#\s*(.+)$/m.exec(text)?.[1]?.trim() ?? '法规');
        }
        return { name: 'lawrefbook-laws', md, txt, titles };
      }
    }
    return generatedText();
  })();
  return textSource;
}

function markdownToText(md: string): string {
  return md
    .replace(/<!--[\s\S]*?-->\n?/g, '')
    .replace(/^#{1,6}\s*/gm, '')
    .replace(/\n{3,}/g, '\n\n');
}

const SUBJECTS = [
  '行政审批局',
  '申请人',
  '建设单位',
  '市场监督管理部门',
  '自然资源主管部门',
  '档案管理机构',
  '县级以上人民政府',
  '审批机关',
];
const VERBS = ['应当依法', '可以按照规定', '不得擅自', '应当在二十个工作日内', '应当及时', '有权依照本条例'];
const OBJECTS = [
  '受理行政许可申请',
  '核发建设工程规划许可证',
  '对申请材料进行审查',
  '将档案移交档案馆保管',
  '公开办事指南和审批结果',
  '出具加盖印章的书面凭证',
  '组织专家评审和现场核查',
  '对电子档案的真实性、完整性、可用性和安全性进行检测',
];
const TITLES = [
  '行政许可管理办法',
  '建设工程规划许可实施细则',
  '电子档案管理规定',
  '政务服务事项办理规程',
  '企业登记管理条例',
  '档案保管期限表',
];

/** Law-like Chinese text, for when the shared data are not there. */
function generatedText(): TextSource {
  const rng = rngFor('generated-text');
  const md: Buffer[] = [];
  const txt: Buffer[] = [];
  const titles: string[] = [];
  for (let law = 0; law < 200; law++) {
    const title = `${pick(rng, ['某市', '某省', '中华人民共和国'])}${pick(rng, TITLES)}`;
    const lines = [
      `# ${title}`,
      '',
      `（${2000 + (law % 25)}年${1 + (law % 12)}月${1 + (law % 28)}日公布）`,
      '',
    ];
    let article = 1;
    for (let chapter = 1; chapter <= 4 + Math.floor(rng() * 6); chapter++) {
      lines.push(`## 第${chapter}章`, '');
      for (let k = 0; k < 5 + Math.floor(rng() * 15); k++) {
        const clauses = Array.from(
          { length: 1 + Math.floor(rng() * 3) },
          () => `${pick(rng, SUBJECTS)}${pick(rng, VERBS)}${pick(rng, OBJECTS)}`,
        );
        lines.push(`第${article++}条 ${clauses.join('；')}。`, '');
      }
    }
    const text = lines.join('\n');
    md.push(Buffer.from(text));
    txt.push(Buffer.from(markdownToText(text)));
    titles.push(title);
  }
  return { name: 'generated', md, txt, titles };
}

/** Exactly `size` bytes of UTF-8 text: a header naming the sample, then whole laws from `start` on. */
function textOfSize(
  source: TextSource,
  flavour: 'md' | 'txt',
  start: number,
  size: number,
  label: string,
): Buffer {
  const laws = source[flavour];
  const head = Buffer.from(
    flavour === 'md'
      ? `# ${source.titles[start % laws.length]}\n\n> 基准测试样本 ${label}\n\n`
      : `${source.titles[start % laws.length]}\n基准测试样本 ${label}\n\n`,
  );
  const parts: Buffer[] = [head];
  let total = head.length;
  for (let i = start; total < size; i++) {
    const law = laws[i % laws.length]!;
    parts.push(law, Buffer.from('\n\n'));
    total += law.length + 2;
  }
  const joined = Buffer.concat(parts, total);
  let cut = Math.min(size, joined.length);
  while (cut > 0 && (joined[cut]! & 0xc0) === 0x80) cut--; // never split a character
  const out = Buffer.alloc(size, 0x0a);
  joined.copy(out, 0, 0, cut);
  return out;
}

// ---- file makers --------------------------------------------------------------------------------

const STD_LUMINANCE = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/**
 * A baseline-JPEG-shaped file of exactly `size` bytes: real marker segments (JFIF, DQT, SOF0 with
 * dimensions fitting the size, DHT, SOS), then incompressible "entropy-coded" bytes with no markers
 * in them, then EOI. Decoders would show noise; header checks, pdf-lib and zstd see a photo.
 */
export function makeJpeg(label: string, size: number): Buffer {
  const pixels = Math.max(64, Math.round((size * 8) / 2.4)); // ~2.4 bits per pixel, quality ≈ 85
  const width = Math.max(8, Math.round(Math.sqrt((pixels * 4) / 3)));
  const height = Math.max(8, Math.round((width * 3) / 4));
  const segment = (marker: number, body: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([head, body]);
  };
  const sof = Buffer.from([8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 0, 3, 0x11, 0]);
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  const dht = Buffer.from([
    0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  ]);
  const head = Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 1, 0, 72, 0, 72, 0, 0])),
    segment(0xdb, Buffer.from([0, ...STD_LUMINANCE])),
    segment(0xc0, sof),
    segment(0xc4, dht),
    segment(0xda, Buffer.from([3, 1, 0, 2, 0, 3, 0, 0, 63, 0])),
  ]);
  const bodyLength = Math.max(16, size - head.length - 2);
  const body = noise(label, bodyLength);
  // Entropy-coded data never holds a bare 0xFF; FF 00 is its escape.
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0xff) {
      if (i + 1 < body.length) body[++i] = 0x00;
      else body[i] = 0xfe;
    }
  }
  return Buffer.concat([head, body, Buffer.from([0xff, 0xd9])]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * A real RGB PNG of about `size` bytes (then padded exactly with an iTXt description): a gradient
 * with noise in the low bits, deflated, so that it behaves like a photo or a colour scan saved as PNG.
 */
export function makePng(label: string, size: number): Buffer {
  // Noise in the low 4 bits: deflate level 1 keeps about 92 % of the raw bytes. Aim a little under
  // the target (once more if the first guess overshoots), then pad with the description.
  let ratio = 0.95;
  for (;;) {
    const png = pngOfRaw(label, Math.max(300, Math.round((size - 200) / ratio)), size);
    if (png.length <= size || size < 2000) return png;
    ratio *= (png.length / size) * 1.02;
  }
}

function pngOfRaw(label: string, raw: number, size: number): Buffer {
  const width = Math.max(4, Math.round(Math.sqrt(raw / 3 / 0.75)));
  const height = Math.max(4, Math.floor(raw / (width * 3 + 1)));
  const stride = width * 3 + 1;
  const pixels = noise(label, stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    pixels[row] = 0; // filter: none
    for (let x = 1; x < stride; x++) pixels[row + x] = (((x + y) >> 2) & 0xf0) | (pixels[row + x]! & 0x0f);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const parts = [
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(pixels, { level: 1 })),
  ];
  const sofar = parts.reduce((sum, part) => sum + part.length, 0) + 12;
  const description = Buffer.from(`Description\0\0\0\0\0基准测试图像 ${label} `);
  const pad = size - sofar - 12 - description.length;
  if (pad > 0) parts.push(pngChunk('iTXt', Buffer.concat([description, Buffer.alloc(pad, 0x20)])));
  parts.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

const WORDS =
  'the administrative approval bureau shall accept review decide issue licence permit application applicant within working days according to law regulation article chapter construction project planning archive record retention period public notice written decision seal document number file register fonds category'.split(
    ' ',
  );
const FIXED_DATE = new Date('2024-05-01T08:00:00Z');

function sentence(rng: () => number): string {
  const words = Array.from({ length: 8 + Math.floor(rng() * 8) }, () => pick(rng, WORDS));
  return `${words.join(' ')}.`;
}

async function buildPdf(label: string, title: string, textPages: number, images: number[]): Promise<Buffer> {
  const rng = rngFor(`pdf-text:${label}`);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setSubject(`基准测试样本 ${label}`);
  doc.setAuthor('某市行政审批局');
  doc.setProducer('dangan bench (pdf-lib)');
  doc.setCreationDate(FIXED_DATE);
  doc.setModificationDate(FIXED_DATE);
  const font: PDFFont = await doc.embedFont(StandardFonts.Helvetica);
  const pages: PDFPage[] = [];
  for (let p = 0; p < Math.max(textPages, images.length, 1); p++) {
    const page = doc.addPage([595, 842]);
    pages.push(page);
    if (p < textPages) {
      page.drawText(`${label} - page ${p + 1}`, { x: 50, y: 800, size: 14, font });
      for (let line = 0; line < 60; line++)
        page.drawText(sentence(rng), { x: 50, y: 770 - line * 12, size: 9, font });
    }
  }
  for (let i = 0; i < images.length; i++) {
    // A copy with its own ArrayBuffer: pdf-lib reads `bytes.buffer` from offset 0.
    const image = await doc.embedJpg(new Uint8Array(makeJpeg(`${label}/image${i}`, images[i]!)));
    const page = pages[i]!;
    const scale = Math.min(495 / image.width, 700 / image.height);
    page.drawImage(image, { x: 50, y: 60, width: image.width * scale, height: image.height * scale });
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** A PDF of about `size` bytes: text pages, and JPEG-like images (≤ 2 MB each) for the rest. */
export async function makePdf(label: string, title: string, size: number): Promise<Buffer> {
  const textPages = Math.max(1, Math.min(12, Math.round(size / 40_000)));
  const perTextPage = 2300;
  let imageBytes = size - 1500 - textPages * perTextPage;
  let pdf: Buffer | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const count = imageBytes < 1000 ? 0 : Math.ceil(imageBytes / 2_000_000);
    const images = Array.from({ length: count }, () => Math.max(400, Math.floor(imageBytes / count) - 420));
    pdf = await buildPdf(label, title, textPages, images);
    const off = size - pdf.length;
    if (Math.abs(off) <= Math.max(512, size * 0.01) || (count === 0 && off < 0)) break;
    imageBytes += off;
  }
  return pdf!;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function docxParts(title: string, paragraphs: string[], media: Buffer[]): Zippable {
  const rels = media
    .map(
      (_, i) =>
        `<Relationship Id="rIdImg${i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image${i + 1}.jpeg"/>`,
    )
    .join('');
  const pictures = media
    .map(
      (_, i) =>
        `<w:p><w:r><w:drawing><wp:inline><a:blip r:embed="rIdImg${i}"/></wp:inline></w:drawing></w:r></w:p>`,
    )
    .join('');
  const body = paragraphs
    .map((p) => `<w:p><w:r><w:t xml:space="preserve">${xmlEscape(p)}</w:t></w:r></w:p>`)
    .join('');
  const files: Zippable = {
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
    ),
    'docProps/core.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${xmlEscape(title)}</dc:title><dc:creator>某市行政审批局</dc:creator></cp:coreProperties>`,
    ),
    'word/document.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><w:body>${body}${pictures}</w:body></w:document>`,
    ),
    'word/_rels/document.xml.rels': strToU8(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels}</Relationships>`,
    ),
  };
  media.forEach((image, i) => {
    files[`word/media/image${i + 1}.jpeg`] = [image, { level: 0 }];
  });
  return files;
}

const ZIP_DATE = new Date('2024-05-01T08:00:00');

/** A DOCX of about `size` bytes: law text (deflated, ≤ 1.5 MB of XML) plus stored JPEG-like media. */
export function makeDocx(label: string, title: string, text: Buffer, size: number): Buffer {
  const zip = (files: Zippable) => Buffer.from(zipSync(files, { mtime: ZIP_DATE }));
  const paragraphs = text.toString('utf8').split(/\n+/).filter(Boolean);
  const textOnly = zip(docxParts(title, paragraphs, []));
  let rest = size - textOnly.length;
  if (rest < 1500) return textOnly;
  let out = textOnly;
  for (let attempt = 0; attempt < 2; attempt++) {
    const count = Math.ceil(rest / 1_500_000);
    const media = Array.from({ length: count }, (_, i) =>
      makeJpeg(`${label}/media${i}`, Math.max(400, Math.floor(rest / count) - 260)),
    );
    out = zip(docxParts(title, paragraphs, media));
    const off = size - out.length;
    if (Math.abs(off) <= Math.max(256, size * 0.005)) break;
    rest += off;
  }
  return out;
}

// ---- sets ---------------------------------------------------------------------------------------

const EXT: Record<Kind, string> = { txt: 'txt', md: 'md', pdf: 'pdf', docx: 'docx', jpeg: 'jpg', png: 'png' };

function weighted(rng: () => number, table: [Kind, number][]): Kind {
  const total = table.reduce((sum, [, weight]) => sum + weight, 0);
  let x = rng() * total;
  for (const [kind, weight] of table) {
    x -= weight;
    if (x < 0) return kind;
  }
  return table.at(-1)![0];
}

/** What a born-digital intake of that size tends to be. */
function kindFor(rng: () => number, size: number): Kind {
  if (size < 300_000)
    return weighted(rng, [
      ['txt', 17],
      ['md', 18],
      ['pdf', 35],
      ['docx', 20],
      ['jpeg', 6],
      ['png', 4],
    ]);
  if (size < 2_000_000)
    return weighted(rng, [
      ['txt', 3],
      ['md', 2],
      ['pdf', 45],
      ['docx', 20],
      ['jpeg', 20],
      ['png', 10],
    ]);
  return weighted(rng, [
    ['md', 5],
    ['pdf', 50],
    ['docx', 10],
    ['jpeg', 22],
    ['png', 13],
  ]);
}

/** The files of a set: names, kinds and sizes, from the seed alone. */
export function planSet(params: SetParams, titles: string[]): CorpusFile[] {
  const rng = rngFor(`plan:${params.seed}:${params.set}:${params.count}:${params.size}`);
  const files: CorpusFile[] = [];
  for (let i = 0; i < params.count; i++) {
    let size: number;
    if (params.set === 'c')
      size = Math.round(Math.exp(Math.log(10_000) + rng() * (Math.log(5_000_000) - Math.log(10_000))));
    else size = params.size;
    const kind = params.set === 'b' ? kindForLarge(i) : kindFor(rng, size);
    const title = (titles[Math.floor(rng() * titles.length)] ?? '文件')
      .replace(/[\\/:*?"<>|\s]/g, '')
      .slice(0, 24);
    files.push({ name: `${String(i + 1).padStart(4, '0')}-${title}.${EXT[kind]}`, kind, size });
  }
  return files;
}

/** Large files: scan-like PDFs, photos, a few DOCX with media and compilations of laws as Markdown. */
function kindForLarge(i: number): Kind {
  const cycle: Kind[] = ['pdf', 'jpeg', 'pdf', 'png', 'pdf', 'docx', 'pdf', 'jpeg', 'md', 'pdf'];
  return cycle[i % cycle.length]!;
}

async function makeFile(
  source: TextSource,
  label: string,
  file: CorpusFile,
  rng: () => number,
): Promise<Buffer> {
  const start = Math.floor(rng() * source.md.length);
  const title = source.titles[start] ?? '文件';
  switch (file.kind) {
    case 'txt':
    case 'md':
      return textOfSize(source, file.kind, start, file.size, label);
    case 'pdf':
      return makePdf(label, title, file.size);
    case 'docx': {
      const textBytes = Math.min(1_500_000, Math.max(4000, Math.round(file.size * 3)));
      return makeDocx(label, title, textOfSize(source, 'txt', start, textBytes, label), file.size);
    }
    case 'jpeg':
      return makeJpeg(label, file.size);
    case 'png':
      return makePng(label, file.size);
  }
}

export interface EnsureOptions {
  corpusDir: string;
  lawsDir: string | undefined;
  log?: (line: string) => void;
}

/** The set described by params, generated into <corpusDir>/<set>/ unless a matching one is there. */
export async function ensureSet(
  params: SetParams,
  options: EnsureOptions,
): Promise<CorpusSet & { generatedSeconds: number }> {
  const dir = join(options.corpusDir, params.set);
  const manifestPath = join(options.corpusDir, `${params.set}.manifest.json`);
  const source = await loadText(options.lawsDir);
  const key = { version: GENERATOR_VERSION, ...params, textSource: source.name };
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      key: typeof key;
      files: CorpusFile[];
    };
    if (JSON.stringify(manifest.key) === JSON.stringify(key)) {
      return {
        set: params.set,
        dir,
        files: manifest.files,
        bytes: sum(manifest.files),
        textSource: source.name,
        generatedSeconds: 0,
      };
    }
  }
  const started = performance.now();
  await rm(manifestPath, { force: true });
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const plan = planSet(params, source.titles);
  const files: CorpusFile[] = [];
  for (let i = 0; i < plan.length; i++) {
    const file = plan[i]!;
    const label = `${params.seed}/${params.set}/${i + 1}`;
    const bytes = await makeFile(source, label, file, rngFor(`file:${label}`));
    await writeFile(join(dir, file.name), bytes);
    files.push({ ...file, size: bytes.length });
    if ((i + 1) % 100 === 0 || i + 1 === plan.length)
      options.log?.(`  set ${params.set}: ${i + 1}/${plan.length} files`);
  }
  await writeFile(manifestPath, JSON.stringify({ key, files }));
  const generatedSeconds = (performance.now() - started) / 1000;
  return { set: params.set, dir, files, bytes: sum(files), textSource: source.name, generatedSeconds };
}

function sum(files: CorpusFile[]): number {
  return files.reduce((total, file) => total + file.size, 0);
}
