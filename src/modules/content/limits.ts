/** Bounds on what an uploaded file may make us read, inflate or decode. */
export interface ContentLimits {
  /** Most entries a ZIP-based file (DOCX, XLSX, OFD) may list. */
  maxZipEntries: number;
  /** Most bytes all entries of a ZIP-based file may inflate to, declared or actual. */
  maxUncompressedBytes: number;
  /** Highest uncompressed/compressed ratio of an entry larger than 1 MiB. */
  maxCompressionRatio: number;
  /** Most pixels (width × height) of one image or TIFF page. */
  maxImagePixels: number;
  /** Longest side, in pixels, of one image or TIFF page. */
  maxImageSide: number;
  /** Most pages of a PDF, OFD or multi-page TIFF. */
  maxPages: number;
  /** How long opening a PDF to count its pages may take. */
  pdfOpenTimeoutMs: number;
}

export const DEFAULT_CONTENT_LIMITS: Readonly<ContentLimits> = Object.freeze({
  maxZipEntries: 10_000,
  maxUncompressedBytes: 1024 * 1024 * 1024,
  // Office XML compresses 5–20×; deflate tops out near 1032× on zeros, which is what bombs use.
  maxCompressionRatio: 200,
  maxImagePixels: 200_000_000,
  // An A0 sheet scanned at 600 dpi is about 19 900 × 28 100 pixels.
  maxImageSide: 50_000,
  maxPages: 10_000,
  pdfOpenTimeoutMs: 60_000,
});

/** Defaults overridden by whatever the caller set. */
export function resolveLimits(partial: Partial<ContentLimits> | undefined): ContentLimits {
  return { ...DEFAULT_CONTENT_LIMITS, ...partial };
}
