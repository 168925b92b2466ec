import { createErrorFactory } from '../../app/errors.ts';

export const selfGrant = createErrorFactory({
  code: 'access.self_grant',
  status: 403,
  zh: '三员分立：不能修改自己账户的 {what}。',
  en: 'Separation of duties: you cannot change your own {what}.',
});
export const shareNotFound = createErrorFactory({
  code: 'access.share_not_found',
  status: 404,
  zh: '授权 {share} 不存在。',
  en: 'Share {share} does not exist.',
});
export const shareRedundant = createErrorFactory({
  code: 'access.share_redundant',
  status: 409,
  zh: '机构 {organisation} 已在该用户的可查阅范围内。',
  en: 'Organisation {organisation} is already within the user’s scope.',
});
export const sessionNotFound = createErrorFactory({
  code: 'auth.session_not_found',
  status: 404,
  zh: '会话 {session} 不存在。',
  en: 'Session {session} does not exist.',
});
