import { createErrorFactory } from '../../app/errors.ts';

export const badAuditFilter = createErrorFactory({
  code: 'audit.bad_filter',
  status: 400,
  zh: '审计查询条件 {filter} 无效：{reason}',
  en: 'Audit filter {filter} is invalid: {reason}',
});
