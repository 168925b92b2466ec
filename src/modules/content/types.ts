/** What an uploaded file is, once its content (not its name) has been examined. */
export type FileKind = 'pdf' | 'ofd' | 'tiff' | 'jpeg' | 'png' | 'docx' | 'xlsx' | 'txt' | 'md';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface InspectedFile {
  kind: FileKind;
  mime: string;
  /** The canonical extension for the kind, without a dot. */
  extension: string;
  pageCount?: number;
  width?: number;
  height?: number;
  textEncoding?: TextEncodingName;
  /** The original name's extension says another type than the content. */
  nameMismatch?: boolean;
}

interface KindInfo {
  mime: string;
  extension: string;
  /** Every extension a correctly named file of this kind may carry. */
  aliases: readonly string[];
}

export const KINDS: Readonly<Record<FileKind, KindInfo>> = {
  pdf: { mime: 'application/pdf', extension: 'pdf', aliases: ['pdf'] },
  ofd: { mime: 'application/ofd', extension: 'ofd', aliases: ['ofd'] },
  tiff: { mime: 'image/tiff', extension: 'tif', aliases: ['tif', 'tiff'] },
  jpeg: { mime: 'image/jpeg', extension: 'jpg', aliases: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  png: { mime: 'image/png', extension: 'png', aliases: ['png'] },
  docx: {
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
    aliases: ['docx'],
  },
  xlsx: {
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
    aliases: ['xlsx'],
  },
  txt: { mime: 'text/plain', extension: 'txt', aliases: ['txt', 'text'] },
  md: { mime: 'text/markdown', extension: 'md', aliases: ['md', 'markdown'] },
};

/** The lower-cased extension of a file name, without the dot, or undefined when it has none. */
export function extensionOf(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const base = name.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  // A leading dot (".profile") names a hidden file, not an extension.
  if (dot <= 0 || dot === base.length - 1) return undefined;
  return base.slice(dot + 1).toLowerCase();
}

/** Builds the result for a kind, flagging a name whose extension claims another type. */
export function describe(
  kind: FileKind,
  originalName: string | undefined,
  extra: Omit<InspectedFile, 'kind' | 'mime' | 'extension' | 'nameMismatch'> = {},
): InspectedFile {
  const info = KINDS[kind];
  const ext = extensionOf(originalName);
  const result: InspectedFile = { kind, mime: info.mime, extension: info.extension, ...extra };
  if (ext !== undefined && !info.aliases.includes(ext)) result.nameMismatch = true;
  return result;
}
