import { createErrorFactory } from '../../app/errors.ts';

export const organisationNotFound = createErrorFactory({
  code: 'organisation.not_found',
  status: 404,
  zh: '机构 {organisation} 不存在。',
  en: 'Organisation {organisation} does not exist.',
});
export const organisationExists = createErrorFactory({
  code: 'organisation.exists',
  status: 409,
  zh: '同一上级下已有代码为 {code} 的机构。',
  en: 'An organisation with code {code} already exists under this parent.',
});
export const organisationLevelInvalid = createErrorFactory({
  code: 'organisation.level_invalid',
  status: 422,
  zh: '机构层级不合规：{reason}',
  en: 'Invalid organisation level: {reason}',
});
export const fondsNotFound = createErrorFactory({
  code: 'fonds.not_found',
  status: 404,
  zh: '全宗 {fonds} 不存在。',
  en: 'Fonds {fonds} does not exist.',
});
export const fondsExists = createErrorFactory({
  code: 'fonds.exists',
  status: 409,
  zh: '全宗号 {fonds} 已存在。',
  en: 'Fonds code {fonds} already exists.',
});
export const archiveNoFormatInvalid = createErrorFactory({
  code: 'fonds.archive_no_format_invalid',
  status: 422,
  zh: '档号格式无效：{reason}',
  en: 'Invalid archive number format: {reason}',
});
export const categoryNotFound = createErrorFactory({
  code: 'category.not_found',
  status: 404,
  zh: '门类 {category} 不存在。',
  en: 'Archive category {category} does not exist.',
});
export const classNotFound = createErrorFactory({
  code: 'class.not_found',
  status: 404,
  zh: '分类 {class} 不存在。',
  en: 'Class {class} does not exist.',
});
export const levelNotFound = createErrorFactory({
  code: 'secrecy_level.not_found',
  status: 422,
  zh: '密级 {level} 不存在。',
  en: 'Secrecy level {level} does not exist.',
});
export const retentionNotFound = createErrorFactory({
  code: 'retention.not_found',
  status: 422,
  zh: '保管期限 {retention} 不存在（可选 Y、D30、D10）。',
  en: 'Retention period {retention} does not exist (Y, D30, D10).',
});
