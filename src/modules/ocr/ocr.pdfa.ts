/**
 * PDF/A-2b for the searchable PDF of scanned images: XMP metadata that names the part and
 * conformance (pdfaid:part 2, pdfaid:conformance B) and repeats the document information
 * dictionary, an sRGB OutputIntent with the ICC profile from the system (Debian icc-profiles-free,
 * or Ghostscript's copy; nothing downloaded), and a file identifier. The CJK font is embedded by
 * ocr.searchable-pdf.ts. Without a profile on the system the PDF is written without the claim.
 *
 * What this does not prove: no PDF/A validator is packaged in Debian (veraPDF is not), so
 * conformance is checked by the structure tests in ocr.outputs.test.ts, not by a validator.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PDFArray, PDFHexString, PDFName, PDFString, type PDFDocument } from 'pdf-lib';

const PROFILES = [
  '/usr/share/color/icc/sRGB.icc', // icc-profiles-free
  '/usr/share/color/icc/ghostscript/srgb.icc', // libgs-common
];

let profile: Promise<Uint8Array | undefined> | undefined;

/** An sRGB ICC profile (display class, RGB data) from the system, or undefined when none. */
export function srgbProfile(): Promise<Uint8Array | undefined> {
  profile ??= (async () => {
    for (const path of PROFILES) {
      const bytes = await readFile(path).catch(() => undefined);
      // ICC header: 'acsp' signature at 36, data colour space 'RGB ' at 16.
      if (bytes && bytes.toString('latin1', 36, 40) === 'acsp' && bytes.toString('latin1', 16, 20) === 'RGB ')
        return new Uint8Array(bytes);
    }
    return undefined;
  })();
  return profile;
}

/** Marks `doc` as PDF/A-2b: its metadata, output intent and identifier. Call just before saving. */
export function markPdfA2b(
  doc: PDFDocument,
  icc: Uint8Array,
  info: { producer: string; creator: string },
): void {
  // The information dictionary and the XMP must agree to the second.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  doc.setProducer(info.producer);
  doc.setCreator(info.creator);
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  const context = doc.context;
  const when = now.toISOString().replace(/\.000Z$/, 'Z');
  const xmp = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about=""',
    ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
    ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
    ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    '<pdfaid:part>2</pdfaid:part>',
    '<pdfaid:conformance>B</pdfaid:conformance>',
    `<xmp:CreateDate>${when}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${when}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${when}</xmp:MetadataDate>`,
    `<xmp:CreatorTool>${escapeXml(info.creator)}</xmp:CreatorTool>`,
    `<pdf:Producer>${escapeXml(info.producer)}</pdf:Producer>`,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
  // Unfiltered, so that tools that do not parse PDF can still find the XMP.
  const metadata = context.stream(new TextEncoder().encode(xmp), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), context.register(metadata));
  const profileRef = context.register(context.flateStream(icc, { N: 3 }));
  const intent = context.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of('sRGB IEC61966-2.1'),
    Info: PDFString.of('sRGB IEC61966-2.1'),
    DestOutputProfile: profileRef,
  });
  doc.catalog.set(PDFName.of('OutputIntents'), context.obj([context.register(intent)]));
  const id = PDFHexString.of(randomBytes(16).toString('hex'));
  const ids = PDFArray.withContext(context);
  ids.push(id);
  ids.push(id);
  context.trailerInfo.ID = ids;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
