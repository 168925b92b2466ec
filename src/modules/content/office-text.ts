/** Text of Word (via mammoth) and Excel (streamed from the sheet XML) files, inside the worker. */
import { officeMainPart, readXmlPart, relationships, xmlElements } from './containers.ts';
import { corruptFile } from './content.errors.ts';
import { scanXml } from './xml-scan.ts';
import { entryChunks, type OpenedZip } from './zip-inspect.ts';

/** Paragraphs of a DOCX as mammoth's raw text (paragraphs separated by blank lines). */
export async function docxText(path: string): Promise<string> {
  // Loaded on first use: workers that never see a DOCX need not pay for it.
  const { default: mammoth } = await import('mammoth');
  const result = await mammoth.extractRawText({ path });
  return result.value;
}

// Excel escapes characters XML cannot carry as _xHHHH_ (e.g. _x000D_ for a carriage return).
function unescapeExcel(text: string): string {
  return text.replace(/_x([0-9a-fA-F]{4})_/g, (_whole, hex: string) =>
    String.fromCharCode(parseInt(hex, 16)),
  );
}

class Enough extends Error {}

async function* partChunks(opened: OpenedZip, part: string) {
  const entry = opened.entries.get(part);
  if (!entry) throw corruptFile({ name: opened.name, reason: `part ${part} missing` });
  yield* entryChunks(opened, entry);
}

/** The shared string table: each <si>'s text runs, without phonetic (rPh) annotations. */
async function sharedStrings(opened: OpenedZip, part: string): Promise<string[]> {
  const strings: string[] = [];
  let current: string | undefined;
  let inText = false;
  let phonetic = 0;
  await scanXml(partChunks(opened, part), {
    open: (name) => {
      if (name === 'si') current = '';
      else if (name === 'rPh') phonetic++;
      else if (name === 't') inText = phonetic === 0;
    },
    close: (name) => {
      if (name === 'si' && current !== undefined) {
        strings.push(unescapeExcel(current));
        current = undefined;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't') inText = false;
    },
    text: (text) => {
      if (inText && current !== undefined) current += text;
    },
  });
  return strings;
}

/** One sheet as lines of tab-separated cell values, appended to `lines`. */
async function sheetText(
  opened: OpenedZip,
  part: string,
  strings: string[],
  lines: string[],
  budget: { left: number },
) {
  let cells: string[] = [];
  let cell: { type: string; value: string; inline: string } | undefined;
  let inValue = false;
  let inInline = false;
  let inText = false;
  let phonetic = 0;
  try {
    await scanXml(partChunks(opened, part), {
      open: (name, attributes) => {
        if (name === 'row') cells = [];
        else if (name === 'c') cell = { type: attributes.t ?? 'n', value: '', inline: '' };
        else if (name === 'v') inValue = true;
        else if (name === 'is') inInline = true;
        else if (name === 'rPh') phonetic++;
        else if (name === 't') inText = inInline && phonetic === 0;
      },
      close: (name) => {
        if (name === 'v') inValue = false;
        else if (name === 'is') inInline = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 't') inText = false;
        else if (name === 'c' && cell) {
          const value = cellValue(cell, strings);
          if (value !== '') cells.push(value);
          cell = undefined;
        } else if (name === 'row' && cells.length > 0) {
          const line = cells.join('\t');
          lines.push(line);
          budget.left -= line.length + 1;
          if (budget.left < 0) throw new Enough();
        }
      },
      text: (text) => {
        if (!cell) return;
        if (inValue) cell.value += text;
        else if (inText) cell.inline += text;
      },
    });
  } catch (error) {
    if (!(error instanceof Enough)) throw error;
  }
}

function cellValue(cell: { type: string; value: string; inline: string }, strings: string[]): string {
  switch (cell.type) {
    case 's':
      return strings[Number(cell.value)] ?? '';
    case 'inlineStr':
      return unescapeExcel(cell.inline);
    case 'b':
      return cell.value === '1' ? 'TRUE' : cell.value === '0' ? 'FALSE' : cell.value;
    default:
      // Numbers, dates (as serials or ISO text), formula strings and error values, as stored.
      return unescapeExcel(cell.value);
  }
}

/**
 * Every sheet in workbook order: the sheet's name, then one line per non-empty row;
 * `complete` is false when rows were left unread past `maxChars`.
 */
export async function xlsxText(
  opened: OpenedZip,
  maxChars: number,
): Promise<{ text: string; complete: boolean }> {
  const main = await officeMainPart(opened);
  if (!main || main.kind !== 'xlsx') throw corruptFile({ name: opened.name, reason: 'no workbook part' });
  const rels = await relationships(opened, main.part);
  const targets = new Map(rels.map((rel) => [rel.id, rel.target]));
  const sharedPart = rels.find((rel) => rel.type.endsWith('/sharedStrings'))?.target;
  const strings = sharedPart && opened.entries.has(sharedPart) ? await sharedStrings(opened, sharedPart) : [];

  const sheets = xmlElements((await readXmlPart(opened, main.part)) ?? '')
    .filter((element) => element.name === 'sheet')
    .map((element) => {
      // The relationship id attribute is r:id, whatever prefix the file bound to that namespace.
      const idKey = Object.keys(element.attributes).find((key) => key.endsWith(':id'));
      return {
        name: element.attributes.name ?? '',
        part: idKey ? targets.get(element.attributes[idKey]!) : undefined,
      };
    });

  const blocks: string[] = [];
  const budget = { left: maxChars };
  for (const sheet of sheets) {
    if (budget.left < 0) break;
    // Chart sheets and dialog sheets have no cells; skip what is not there.
    if (!sheet.part || !opened.entries.has(sheet.part)) continue;
    const lines = [sheet.name];
    budget.left -= sheet.name.length + 2;
    await sheetText(opened, sheet.part, strings, lines, budget);
    blocks.push(lines.join('\n'));
  }
  return { text: blocks.join('\n\n'), complete: budget.left >= 0 };
}
