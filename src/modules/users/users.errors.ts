import { createErrorFactory } from '../../app/errors.ts';

export const unauthenticated = createErrorFactory({
  code: 'auth.unauthenticated',
  status: 401,
  zh: '请先登录。',
  en: 'Please sign in.',
});
export const badCredentials = createErrorFactory({
  code: 'auth.bad_credentials',
  status: 401,
  zh: '用户名或密码错误。',
  en: 'Wrong user name or password.',
});
export const accountLocked = createErrorFactory({
  code: 'auth.locked',
  status: 423,
  zh: '登录失败次数过多，账户已暂时锁定，请于 {until} 后再试。',
  en: 'Too many failed sign-ins; the account is locked until {until}.',
});
export const passwordChangeRequired = createErrorFactory({
  code: 'auth.password_change_required',
  status: 403,
  zh: '首次登录须先修改密码。',
  en: 'You must change your password before continuing.',
});
export const weakPassword = createErrorFactory({
  code: 'auth.weak_password',
  status: 422,
  zh: '密码不符合要求：{reason}',
  en: 'The password is not acceptable: {reason}',
});
export const userNotFound = createErrorFactory({
  code: 'user.not_found',
  status: 404,
  zh: '用户 {user} 不存在。',
  en: 'User {user} does not exist.',
});
export const userExists = createErrorFactory({
  code: 'user.exists',
  status: 409,
  zh: '用户名 {user} 已被使用。',
  en: 'User name {user} is taken.',
});
