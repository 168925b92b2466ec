/**
 * Errors of the content module: what the ingest pipeline says when an uploaded file is refused,
 * and when text cannot be extracted from an accepted one. Codes are stable: clients and the
 * audit log key on them.
 */
import { createErrorFactory } from '../../app/errors.ts';

export const emptyFile = createErrorFactory({
  code: 'ingest.empty_file',
  status: 422,
  zh: '文件“{name}”是空文件（0 字节）。',
  en: 'File "{name}" is empty (0 bytes).',
});

export const unsupportedType = createErrorFactory({
  code: 'ingest.unsupported_type',
  status: 415,
  zh: '文件“{name}”的类型不受支持（检测为 {detected}）。仅接受 PDF、OFD、TIFF、JPEG、PNG、DOCX、XLSX、TXT、MD。',
  en: 'File "{name}" is of an unsupported type (detected: {detected}). Accepted: PDF, OFD, TIFF, JPEG, PNG, DOCX, XLSX, TXT, MD.',
});

export const corruptFile = createErrorFactory({
  code: 'ingest.corrupt_file',
  status: 422,
  zh: '文件“{name}”已损坏或不完整，无法读取。',
  en: 'File "{name}" is corrupt or truncated: {reason}.',
});

export const encryptedFile = createErrorFactory({
  code: 'ingest.encrypted_file',
  status: 422,
  zh: '文件“{name}”已加密或设有密码，请上传未加密的文件。',
  en: 'File "{name}" is encrypted or password-protected; please upload an unencrypted file.',
});

export const archiveBomb = createErrorFactory({
  code: 'ingest.archive_bomb',
  status: 422,
  zh: '文件“{name}”解压后体积异常（疑似压缩炸弹），已拒收。',
  en: 'File "{name}" expands to an abnormal size (suspected archive bomb): {reason}.',
});

export const maliciousArchive = createErrorFactory({
  code: 'ingest.malicious_archive',
  status: 422,
  zh: '文件“{name}”包含非法路径的条目“{entry}”，已拒收。',
  en: 'File "{name}" contains an entry with an unsafe path: "{entry}".',
});

export const imageTooLarge = createErrorFactory({
  code: 'ingest.image_too_large',
  status: 422,
  zh: '图像“{name}”尺寸过大（{width}×{height} 像素）。',
  en: 'Image "{name}" is too large ({width}×{height} pixels).',
});

export const tooManyPages = createErrorFactory({
  code: 'ingest.too_many_pages',
  status: 422,
  zh: '文件“{name}”页数过多（{pages} 页，上限 {max} 页）。',
  en: 'File "{name}" has too many pages ({pages}; the limit is {max}).',
});

export const extractFailed = createErrorFactory({
  code: 'extract.failed',
  status: 422,
  zh: '无法从文件中提取文本。',
  en: 'Could not extract text from the file: {reason}.',
});
