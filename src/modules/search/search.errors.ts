/** This feature's typed errors. */
import { createErrorFactory } from '../../app/errors.ts';

export const queryEmpty = createErrorFactory({
  code: 'search.query_empty',
  status: 400,
  zh: '请输入要查找的内容。',
  en: 'Please enter something to search for.',
});

export const queryTooLong = createErrorFactory({
  code: 'search.query_too_long',
  status: 400,
  zh: '查询过长（最多 {max} 个字符）。',
  en: 'The query is too long (at most {max} characters).',
});

export const unknownFilter = createErrorFactory({
  code: 'search.unknown_filter',
  status: 400,
  zh: '未知的筛选条件 {filter}；可用：{known}。',
  en: 'Unknown filter {filter}; known filters: {known}.',
});

export const badFilterValue = createErrorFactory({
  code: 'search.bad_filter_value',
  status: 400,
  zh: '筛选条件 {filter} 的值无效：{value}。',
  en: 'Invalid value for filter {filter}: {value}.',
});

export const rebuildRunning = createErrorFactory({
  code: 'search.rebuild_running',
  status: 409,
  zh: '检索索引正在重建（{since} 开始），完成后再试。',
  en: 'The search index is being rebuilt (since {since}); try again once it is done.',
});
