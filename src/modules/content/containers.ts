/**
 * What a vetted ZIP container holds: an OFD document (GB/T 33190-2016), a Word (DOCX) or Excel
 * (XLSX) workbook, or something else. Also resolves the parts the text extractors need.
 */
import { posix } from 'node:path';
import { corruptFile } from './content.errors.ts';
import { readEntry, type OpenedZip } from './zip-inspect.ts';
import { scanXmlString } from './xml-scan.ts';

// Manifests and relationship parts are small; anything bigger than this is not one.
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

const MAIN_CONTENT_TYPES = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
} as const;

export type ContainerKind =
  { kind: 'ofd'; pageCount: number } | { kind: 'docx' | 'xlsx' } | { kind: 'other' };

/** A part name resolved against the folder of the part that refers to it; undefined if it escapes. */
export function resolvePart(baseDir: string, target: string): string | undefined {
  const joined = target.startsWith('/') ? target.slice(1) : posix.join(baseDir, target);
  const normal = posix.normalize(joined.replace(/\\/g, '/'));
  return normal.startsWith('../') || normal === '..' ? undefined : normal;
}

/** A small XML part decoded to a string (UTF-8, or UTF-16 with a BOM); undefined if absent. */
export async function readXmlPart(opened: OpenedZip, part: string): Promise<string | undefined> {
  const bytes = await readEntry(opened, part, MAX_MANIFEST_BYTES);
  if (!bytes) return undefined;
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe;
  return new TextDecoder(utf16 ? 'utf-16le' : 'utf-8').decode(bytes);
}

/** Elements of a small XML part as (local name, attributes, own text) in document order. */
export function xmlElements(
  xml: string,
): { name: string; attributes: Record<string, string>; text: string }[] {
  const out: { name: string; attributes: Record<string, string>; text: string }[] = [];
  const open: number[] = [];
  scanXmlString(xml, {
    open: (name, attributes) => {
      open.push(out.length);
      out.push({ name, attributes, text: '' });
    },
    close: () => void open.pop(),
    text: (text) => {
      const current = open.at(-1);
      if (current !== undefined) out[current]!.text += text;
    },
  });
  return out;
}

/** Relationship targets by id, and by type suffix, of a part's `_rels/*.rels`. */
export async function relationships(opened: OpenedZip, part: string) {
  const dir = posix.dirname(part);
  const relsPart = part === '' ? '_rels/.rels' : posix.join(dir, '_rels', `${posix.basename(part)}.rels`);
  const xml = (await readXmlPart(opened, relsPart)) ?? '';
  return xmlElements(xml)
    .filter((element) => element.name === 'Relationship' && element.attributes.Target)
    .filter((element) => element.attributes.TargetMode !== 'External')
    .map((element) => ({
      id: element.attributes.Id ?? '',
      type: element.attributes.Type ?? '',
      target: resolvePart(dir === '.' ? '' : dir, element.attributes.Target!),
    }));
}

/** The main part of a DOCX or XLSX, per `[Content_Types].xml`. */
export async function officeMainPart(
  opened: OpenedZip,
): Promise<{ kind: 'docx' | 'xlsx'; part: string } | undefined> {
  const xml = await readXmlPart(opened, '[Content_Types].xml');
  if (xml === undefined) return undefined;
  for (const element of xmlElements(xml)) {
    if (element.name !== 'Override') continue;
    const type = element.attributes.ContentType?.toLowerCase();
    const partName = element.attributes.PartName;
    if (!partName) continue;
    for (const kind of ['docx', 'xlsx'] as const) {
      if (type === MAIN_CONTENT_TYPES[kind]) return { kind, part: resolvePart('', partName) ?? partName };
    }
  }
  return undefined;
}

/** The page content parts of an OFD, in page order, per OFD.xml and each Document.xml. */
export async function ofdPages(opened: OpenedZip): Promise<string[]> {
  const broken = (reason: string) => corruptFile({ name: opened.name, reason });
  const ofdXml = await readXmlPart(opened, 'OFD.xml');
  if (ofdXml === undefined) throw broken('OFD.xml missing');
  const roots = xmlElements(ofdXml).filter((element) => element.name === 'DocRoot');
  if (roots.length === 0) throw broken('OFD.xml names no document (DocRoot)');
  const pages: string[] = [];
  for (const root of roots) {
    const documentPart = resolvePart('', root.text.trim());
    const documentXml = documentPart && (await readXmlPart(opened, documentPart));
    if (!documentPart || documentXml === undefined || documentXml === '') {
      throw broken(`document ${root.text.trim()} missing`);
    }
    for (const page of xmlElements(documentXml).filter((element) => element.name === 'Page')) {
      const content = resolvePart(posix.dirname(documentPart), page.attributes.BaseLoc ?? '');
      if (!content || !opened.entries.has(content)) {
        throw broken(`page content ${page.attributes.BaseLoc ?? '(no BaseLoc)'} missing`);
      }
      pages.push(content);
    }
  }
  if (pages.length === 0) throw broken('OFD document has no pages');
  return pages;
}

/** Classifies a container and checks that the parts its kind requires are present. */
export async function classifyContainer(opened: OpenedZip): Promise<ContainerKind> {
  const broken = (reason: string) => corruptFile({ name: opened.name, reason });
  if (opened.entries.has('OFD.xml')) return { kind: 'ofd', pageCount: (await ofdPages(opened)).length };

  const main = await officeMainPart(opened);
  if (!main) {
    // The tell-tale folders of a Word or Excel file, but no manifest: a damaged document.
    // With a manifest naming another main part it is some other package (DOCM, PPTX, XLTX…).
    const has = (prefix: string) => [...opened.entries.keys()].some((key) => key.startsWith(prefix));
    if (!opened.entries.has('[Content_Types].xml') && (has('word/') || has('xl/'))) {
      throw broken('[Content_Types].xml missing');
    }
    return { kind: 'other' };
  }
  if (!opened.entries.has(main.part)) throw broken(`main part ${main.part} missing`);
  const rels = await relationships(opened, '');
  if (!rels.some((rel) => rel.type.endsWith('/officeDocument') && rel.target === main.part)) {
    throw broken('_rels/.rels does not point to the main part');
  }
  return { kind: main.kind };
}
