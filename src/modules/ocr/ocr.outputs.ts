/**
 * What `dangan ocr --out` and the ingest job write for a document read by `ocrFile`: the text,
 * the layout JSON, the searchable PDF and one spreadsheet per table.
 */
import type { OcrDocument } from './ocr.usecases.ts';

export interface OcrOutput {
  /** `<stem>.txt`, `<stem>.pdf`, `<stem>-table-N.xlsx`, `<stem>.json` */
  name: string;
  kind: 'text' | 'layout' | 'searchable_pdf' | 'table';
  mediaType: string;
  format: string;
  bytes: Uint8Array;
}

/**
 * Every output of one document; `input` is the file it was read from. A searchable PDF that
 * cannot be made (no CJK font installed, a PDF pdf-lib cannot copy pages from) is left out and
 * reported to `onSkip`: the text and layout are worth keeping without it.
 */
export async function ocrOutputs(
  input: string | Buffer,
  stem: string,
  document: OcrDocument,
  onSkip: (name: string, error: unknown) => void = () => {},
): Promise<OcrOutput[]> {
  const [{ searchablePdf }, { tableWorkbook }] = await Promise.all([
    import('./ocr.searchable-pdf.ts'),
    import('./ocr.xlsx.ts'),
  ]);
  const outputs: OcrOutput[] = [
    {
      name: `${stem}.txt`,
      kind: 'text',
      mediaType: 'text/plain; charset=utf-8',
      format: 'txt',
      bytes: Buffer.from(`${document.text}\n`, 'utf8'),
    },
    {
      name: `${stem}.json`,
      kind: 'layout',
      mediaType: 'application/json',
      format: 'json',
      bytes: Buffer.from(`${JSON.stringify(document)}\n`, 'utf8'),
    },
  ];
  try {
    outputs.push({
      name: `${stem}.pdf`,
      kind: 'searchable_pdf',
      mediaType: 'application/pdf',
      format: 'pdf',
      bytes: await searchablePdf(input, document),
    });
  } catch (error) {
    onSkip(`${stem}.pdf`, error);
  }
  let n = 0;
  for (const page of document.pages) {
    for (const table of page.tables) {
      n++;
      outputs.push({
        name: `${stem}-table-${n}.xlsx`,
        kind: 'table',
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        format: 'xlsx',
        bytes: await tableWorkbook(table.rows, `表格${n}`),
      });
    }
  }
  return outputs;
}
