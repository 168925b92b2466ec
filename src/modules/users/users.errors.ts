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
export const otpRequired = createErrorFactory({
  code: 'auth.otp_required',
  status: 401,
  zh: '此账户已启用动态口令，请输入验证器中的 6 位数字。',
  en: 'This account uses a one-time code: enter the 6 digits from your authenticator.',
});
export const otpInvalid = createErrorFactory({
  code: 'auth.otp_invalid',
  status: 401,
  zh: '动态口令错误或已使用过。',
  en: 'The one-time code is wrong or was already used.',
});
export const totpAlreadyEnabled = createErrorFactory({
  code: 'auth.totp_enabled',
  status: 409,
  zh: '动态口令已启用；如需更换，请先停用。',
  en: 'The one-time code is already enabled; disable it first to change it.',
});
export const totpNotSetUp = createErrorFactory({
  code: 'auth.totp_not_set_up',
  status: 409,
  zh: '尚未设置动态口令，请先调用设置接口。',
  en: 'No one-time code has been set up yet.',
});
