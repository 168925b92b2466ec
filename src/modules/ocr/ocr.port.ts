/**
 * The OcrEngine port: reads the text of one page image. Adapters live beside it (PP-OCRv4 on
 * onnxruntime-node today; Tesseract or a newer PaddleOCR model could follow) and each must pass
 * the contract suite in ocr.contract.ts.
 */
import type { Box } from './ocr.models.ts';

export type { Box } from './ocr.models.ts';

/** A decoded page in one 8-bit channel (the preprocessed luminance), row-major. */
export interface GrayPage {
  width: number;
  height: number;
  data: Uint8Array;
  /** dots per inch from the file's metadata, if it had any */
  dpi?: number;
  /** seals found while preprocessing (they are already lifted out of `data`) */
  seals?: OcrSeal[];
  /** for each seal, its red ink alone (dark on white) cropped to its box, to read its ring text */
  sealInks?: GrayPage[];
}

export interface OcrLine {
  text: string;
  /** axis-aligned [x0, y0, x1, y1] in pixels of the upright page */
  box: Box;
  /** 0–1, mean probability of the recognised characters */
  confidence: number;
}

export interface OcrSeal {
  box: Box;
  color: 'red';
  shape?: 'round' | 'oval' | 'rectangle';
  text?: string;
}

export interface OcrTableCell {
  text: string;
  rowSpan: number;
  colSpan: number;
}

export interface OcrPage {
  width: number;
  height: number;
  dpi: number | null;
  /** clockwise degrees the page was turned to read it upright: 0, 90, 180 or 270 */
  rotation: 0 | 90 | 180 | 270;
  /** skew of the text lines in degrees, clockwise; each line is straightened before it is read */
  skew?: number;
  /** where the text came from: recognised on the image, or a born-digital PDF page's text layer */
  source?: 'ocr' | 'text';
  /** 0–1, character-weighted mean of the lines' confidences (1 for a page without text) */
  confidence: number;
  /** in reading order */
  lines: OcrLine[];
  tables: { box: Box; rows: OcrTableCell[][] }[];
  seals: OcrSeal[];
  signatures: { box: Box }[];
}

export interface RecognizeOptions {
  signal?: AbortSignal;
}

export interface OcrEngine {
  /** a short name for logs and stored layouts, e.g. `ppocr-v4` */
  readonly name: string;
  /**
   * Reads one page. Coordinates in the result refer to the page after the reported rotation.
   * Rejects with `ocr.aborted` when the signal fires.
   */
  recognize(page: GrayPage, options?: RecognizeOptions): Promise<OcrPage>;
  /** Frees the models. */
  close(): Promise<void>;
}
