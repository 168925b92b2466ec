import { createErrorFactory } from '../../app/errors.ts';

export const badLine = createErrorFactory({
  code: 'classify.bad_line',
  status: 400,
  zh: '第 {line} 行格式错误：{reason}',
  en: 'Line {line} is malformed: {reason}',
});

export const emptyText = createErrorFactory({
  code: 'classify.empty_text',
  status: 400,
  zh: '第 {line} 行的文本为空。',
  en: 'The text on line {line} is empty.',
});

export const notChinese = createErrorFactory({
  code: 'classify.not_chinese',
  status: 400,
  zh: '第 {line} 行的文本不是中文，无法分类。',
  en: 'The text on line {line} is not Chinese and cannot be classified.',
});

export const textTooLong = createErrorFactory({
  code: 'classify.text_too_long',
  status: 400,
  zh: '第 {line} 行的文本过长（{chars} 字符，上限 {limit}）。',
  en: 'The text on line {line} is too long ({chars} characters, limit {limit}).',
});

export const badLabel = createErrorFactory({
  code: 'classify.bad_label',
  status: 400,
  zh: '{where}类别标签无效：只允许文字、数字、空格和 / - _ · . ( )，长度 1–100。',
  en: '{whereEn}The label is invalid: letters, digits, spaces and / - _ · . ( ) only, 1–100 characters.',
});

export const oneClass = createErrorFactory({
  code: 'classify.one_class',
  status: 400,
  zh: '训练数据只有 {count} 个类别，至少需要 2 个。',
  en: 'The training data has {count} class(es); at least 2 are needed.',
});

export const noInput = createErrorFactory({
  code: 'classify.no_input',
  status: 400,
  zh: '输入中没有任何记录。',
  en: 'The input holds no rows.',
});

export const modelMissing = createErrorFactory({
  code: 'classify.model_missing',
  status: 404,
  zh: '找不到分类模型：{path}',
  en: 'No classification model at {path}.',
});

export const modelInvalid = createErrorFactory({
  code: 'classify.model_invalid',
  status: 400,
  zh: '分类模型已损坏或不完整：{reason}',
  en: 'The classification model is damaged or incomplete: {reason}',
});

export const modelTooNew = createErrorFactory({
  code: 'classify.model_too_new',
  status: 400,
  zh: '分类模型格式版本 {version} 比本程序支持的版本 {supported} 新，请升级 dangan。',
  en: 'The model format version {version} is newer than the supported version {supported}; upgrade dangan.',
});

export const notAModelFolder = createErrorFactory({
  code: 'classify.not_model_folder',
  status: 400,
  zh: '文件夹 {path} 已存在且不是分类模型，未覆盖。',
  en: 'The folder {path} exists and is not a classification model; it was not overwritten.',
});

export const noSuchVersion = createErrorFactory({
  code: 'classify.no_such_version',
  status: 404,
  zh: '没有该模型版本：{version}',
  en: 'No such model version: {version}',
});

export const noModelYet = createErrorFactory({
  code: 'classify.no_model',
  status: 409,
  zh: '尚未训练分类模型。',
  en: 'No classification model has been trained yet.',
});

export const suggestionNotFound = createErrorFactory({
  code: 'classify.not_found',
  status: 404,
  zh: '该档案没有分类建议，或您无权查看。',
  en: 'No suggestions for this record, or you may not see it.',
});
