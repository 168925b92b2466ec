import { createErrorFactory } from '../../app/errors.ts';

export const recordNotFound = createErrorFactory({
  code: 'record.not_found',
  status: 404,
  zh: '档案 {record} 不存在或您无权查看。',
  en: 'Record {record} does not exist or you may not see it.',
});
export const componentNotFound = createErrorFactory({
  code: 'component.not_found',
  status: 404,
  zh: '文件 {component} 不存在。',
  en: 'File {component} does not exist.',
});
export const recordAlreadyFiled = createErrorFactory({
  code: 'record.already_filed',
  status: 409,
  zh: '档案已归档，档号为 {archiveNo}。',
  en: 'The record is already filed as {archiveNo}.',
});
export const recordIncomplete = createErrorFactory({
  code: 'record.incomplete',
  status: 422,
  zh: '归档前须填写：{fields}',
  en: 'Fill in before filing: {fields}',
});
export const recordFiledReadOnly = createErrorFactory({
  code: 'record.filed_read_only',
  status: 409,
  zh: '已归档档案的 {field} 不能修改。',
  en: 'The {field} of a filed record cannot be changed.',
});
export const recordVersionConflict = createErrorFactory({
  code: 'record.version_conflict',
  status: 409,
  zh: '档案已被他人修改（当前版本 {version}），请刷新后重试。',
  en: 'The record was changed by someone else (now version {version}); reload and retry.',
});
export const metadataInvalid = createErrorFactory({
  code: 'record.metadata_invalid',
  status: 422,
  zh: '著录项 {field} 无效：{reason}',
  en: 'Metadata field {field} is invalid: {reason}',
});
