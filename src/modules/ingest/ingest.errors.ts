import { createErrorFactory } from '../../app/errors.ts';

export const manifestInvalid = createErrorFactory({
  code: 'ingest.manifest_invalid',
  status: 422,
  zh: '著录清单 {manifest} 第 {row} 行的 {field} 无效：{reason}',
  en: 'Manifest {manifest}, row {row}, field {field} is invalid: {reason}',
});
export const manifestUnreadable = createErrorFactory({
  code: 'ingest.manifest_unreadable',
  status: 422,
  zh: '无法读取著录清单 {manifest}：{reason}',
  en: 'Cannot read the manifest {manifest}: {reason}',
});
export const pathNotFound = createErrorFactory({
  code: 'ingest.path_not_found',
  status: 404,
  zh: '找不到文件或文件夹 {path}。',
  en: 'No such file or folder: {path}.',
});
export const uploadMissingFile = createErrorFactory({
  code: 'ingest.no_file',
  status: 400,
  zh: '请求中没有文件（multipart 字段 file）。',
  en: 'The request has no file (multipart field "file").',
});
export const uploadTruncated = createErrorFactory({
  code: 'ingest.upload_truncated',
  status: 400,
  zh: '上传中断，文件不完整，未保存任何内容。',
  en: 'The upload was cut off; nothing was stored.',
});
export const uploadTooLarge = createErrorFactory({
  code: 'ingest.too_large',
  status: 413,
  zh: '文件超过大小上限 {limit} 字节，未保存任何内容。',
  en: 'The file exceeds the size limit of {limit} bytes; nothing was stored.',
});
