/**
 * Test support: minimal DOCX, XLSX and OFD packages zipped with fflate, and the tampering that
 * turns a good archive into a hostile one.
 */
import { zipSync, type Zippable } from 'fflate';

const text = (value: string) => new TextEncoder().encode(value);
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A ZIP of the given entries, deflated at `level`. */
export function zip(files: Record<string, string | Uint8Array>, level: 0 | 6 | 9 = 6): Uint8Array {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) {
    entries[name] = [typeof content === 'string' ? text(content) : content, { level }];
  }
  return zipSync(entries);
}

function contentTypes(overrides: Record<string, string>): string {
  return (
    `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    Object.entries(overrides)
      .map(([part, type]) => `<Override PartName="${part}" ContentType="${type}"/>`)
      .join('') +
    '</Types>'
  );
}

function rootRels(target: string): string {
  return (
    `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    `<Relationship Id="rId1" Type="${REL}/officeDocument" Target="${target}"/></Relationships>`
  );
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The parts of a minimal DOCX, one paragraph per entry; add or drop parts before zipping. */
export function docxParts(paragraphs: string[]): Record<string, string | Uint8Array> {
  return {
    '[Content_Types].xml': contentTypes({
      '/word/document.xml':
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    }),
    '_rels/.rels': rootRels('word/document.xml'),
    'word/document.xml':
      `${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
      paragraphs
        .map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`)
        .join('') +
      '</w:body></w:document>',
  };
}

type Cell = string | number | { inline: string };

/** The parts of a minimal XLSX: sheets in workbook order, text cells as shared strings. */
export function xlsxParts(sheets: { name: string; rows: Cell[][] }[]): Record<string, string | Uint8Array> {
  const shared: string[] = [];
  const sharedIndex = (value: string) => {
    const at = shared.indexOf(value);
    return at >= 0 ? at : shared.push(value) - 1;
  };
  const parts: Record<string, string> = {};
  const overrides: Record<string, string> = {
    '/xl/workbook.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
    '/xl/sharedStrings.xml': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml',
  };
  // Parts are numbered against workbook order to show that order comes from workbook.xml.
  sheets.forEach((sheet, i) => {
    const file = `sheet${sheets.length - i}.xml`;
    overrides[`/xl/worksheets/${file}`] =
      'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
    const rows = sheet.rows.map((cells, r) => {
      const xml = cells.map((cell, c) => {
        const ref = `${String.fromCharCode(65 + c)}${r + 1}`;
        if (typeof cell === 'number') return `<c r="${ref}"><v>${cell}</v></c>`;
        if (typeof cell === 'string') return `<c r="${ref}" t="s"><v>${sharedIndex(cell)}</v></c>`;
        return `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(cell.inline)}</t></is></c>`;
      });
      return `<row r="${r + 1}">${xml.join('')}</row>`;
    });
    parts[`xl/worksheets/${file}`] =
      `${XML}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`;
  });
  parts['[Content_Types].xml'] = contentTypes(overrides);
  parts['_rels/.rels'] = rootRels('xl/workbook.xml');
  parts['xl/workbook.xml'] =
    `${XML}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheets>` +
    sheets
      .map((sheet, i) => `<sheet name="${escapeXml(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join('') +
    '</sheets></workbook>';
  parts['xl/_rels/workbook.xml.rels'] =
    `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    sheets
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${sheets.length - i}.xml"/>`,
      )
      .join('') +
    `<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
  parts['xl/sharedStrings.xml'] =
    `${XML}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${shared.length}" uniqueCount="${shared.length}">` +
    shared.map((value) => `<si><t>${escapeXml(value)}</t></si>`).join('') +
    '</sst>';
  return parts;
}

const OFD_NS = 'http://www.ofdspec.org/2016';

/**
 * The parts of a minimal OFD. Each page is a list of lines; each line is a list of text objects
 * set on one baseline. Page folders are named against page order (Page_9 first), to show that
 * order comes from Document.xml.
 */
export function ofdParts(pages: string[][][]): Record<string, string | Uint8Array> {
  const parts: Record<string, string> = {
    'OFD.xml':
      `${XML}<ofd:OFD xmlns:ofd="${OFD_NS}" Version="1.0" DocType="OFD"><ofd:DocBody>` +
      '<ofd:DocInfo><ofd:DocID>a1b2c3</ofd:DocID><ofd:Title>批复</ofd:Title></ofd:DocInfo>' +
      '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
  };
  let id = 10;
  const pageRefs = pages.map((lines, p) => {
    const folder = `Page_${9 - p}`;
    const objects = lines.flatMap((objectsOnLine, l) =>
      objectsOnLine.map(
        (content, o) =>
          `<ofd:TextObject ID="${id++}" Boundary="${20 + o * 60} ${30 + l * 10} 60 8" Font="3" Size="5">` +
          `<ofd:TextCode X="0" Y="5">${escapeXml(content)}</ofd:TextCode></ofd:TextObject>`,
      ),
    );
    parts[`Doc_0/Pages/${folder}/Content.xml`] =
      `${XML}<ofd:Page xmlns:ofd="${OFD_NS}"><ofd:Content><ofd:Layer ID="${id++}">${objects.join('')}</ofd:Layer></ofd:Content></ofd:Page>`;
    return `<ofd:Page ID="${p + 1}" BaseLoc="Pages/${folder}/Content.xml"/>`;
  });
  parts['Doc_0/Document.xml'] =
    `${XML}<ofd:Document xmlns:ofd="${OFD_NS}"><ofd:CommonData><ofd:MaxUnitID>${id}</ofd:MaxUnitID>` +
    '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>' +
    `<ofd:Pages>${pageRefs.join('')}</ofd:Pages></ofd:Document>`;
  return parts;
}

/** Rewrites an entry's declared uncompressed size in both its local and central headers. */
export function patchDeclaredSize(archive: Uint8Array, entryName: string, size: number): Buffer {
  const bytes = Buffer.from(archive);
  const name = Buffer.from(entryName);
  for (let at = 0; at < bytes.length - 46; at++) {
    const signature = bytes.readUInt32LE(at);
    if (signature === 0x04034b50 && bytes.subarray(at + 30, at + 30 + name.length).equals(name)) {
      bytes.writeUInt32LE(size, at + 22);
    } else if (signature === 0x02014b50 && bytes.subarray(at + 46, at + 46 + name.length).equals(name)) {
      bytes.writeUInt32LE(size, at + 24);
    }
  }
  return bytes;
}

/** Sets the "encrypted" flag on every entry, as traditional ZIP encryption would. */
export function flagEncrypted(archive: Uint8Array): Buffer {
  const bytes = Buffer.from(archive);
  for (let at = 0; at < bytes.length - 4; at++) {
    const signature = bytes.readUInt32LE(at);
    if (signature === 0x04034b50) bytes.writeUInt16LE(bytes.readUInt16LE(at + 6) | 1, at + 6);
    else if (signature === 0x02014b50) bytes.writeUInt16LE(bytes.readUInt16LE(at + 8) | 1, at + 8);
  }
  return bytes;
}

/**
 * A compound file (CFB) whose directory holds the streams of a password-protected Office
 * document, which is how Word and Excel save an encrypted DOCX or XLSX.
 */
export function encryptedOfficeFile(): Buffer {
  const sector = 512;
  const file = Buffer.alloc(sector * 3, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  file.writeUInt16LE(0x3e, 0x18);
  file.writeUInt16LE(3, 0x1a);
  file.writeUInt16LE(0xfffe, 0x1c);
  file.writeUInt16LE(9, 0x1e);
  file.writeUInt16LE(6, 0x20);
  file.writeUInt32LE(1, 0x2c); // one FAT sector
  file.writeUInt32LE(1, 0x30); // directory starts at sector 1
  file.writeUInt32LE(4096, 0x38);
  file.writeUInt32LE(0xfffffffe, 0x3c);
  file.writeUInt32LE(0xfffffffe, 0x44);
  for (let i = 0; i < 109; i++) file.writeUInt32LE(i === 0 ? 0 : 0xffffffff, 0x4c + i * 4);
  // Sector 0 is the FAT: itself, then the one-sector directory chain.
  const fat = sector;
  for (let i = 0; i < 128; i++) file.writeUInt32LE(0xffffffff, fat + i * 4);
  file.writeUInt32LE(0xfffffffd, fat);
  file.writeUInt32LE(0xfffffffe, fat + 4);
  ['Root Entry', 'EncryptionInfo', 'EncryptedPackage'].forEach((name, i) => {
    const at = sector * 2 + i * 128;
    file.write(name, at, 'utf16le');
    file.writeUInt16LE((name.length + 1) * 2, at + 64);
    file[at + 66] = i === 0 ? 5 : 2;
  });
  return file;
}
