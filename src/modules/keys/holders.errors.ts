/** The errors of holders, certificates and the system CA. Codes are stable; messages Chinese first. */
import { createErrorFactory } from '../../app/errors.ts';

/** The content is holder-protected and the reader has no unlocked holder key that opens it. */
export const holderRequired = createErrorFactory({
  code: 'key.holder_required',
  status: 403,
  zh: '该文件受持有人公钥保护：只有授权持有人解锁本人密钥后才能读取。',
  en: 'This content is protected for its holders: only an authorised holder with an unlocked key can read it.',
});

export const holderUnwrapFailed = createErrorFactory({
  code: 'key.holder_unwrap_failed',
  status: 422,
  zh: '持有人封装无法解开（{reason}）：密钥不匹配或封装已被篡改。',
  en: 'The holder wrap could not be opened ({reason}): wrong key or altered.',
});

export const holderPassphraseWrong = createErrorFactory({
  code: 'key.holder_passphrase_wrong',
  status: 422,
  zh: '持有人口令不正确，私钥无法解封。',
  en: 'The holder passphrase is wrong; the private key cannot be opened.',
});

export const holderPassphraseWeak = createErrorFactory({
  code: 'key.holder_passphrase_weak',
  status: 422,
  zh: '持有人口令至少需要 {min} 个字符。',
  en: 'The holder passphrase needs at least {min} characters.',
});

export const holderKeyUnsupported = createErrorFactory({
  code: 'key.holder_key_unsupported',
  status: 422,
  zh: '不支持的持有人密钥（{reason}）：只接受 P-256、RSA 3072 位及以上、SM2。',
  en: 'Unsupported holder key ({reason}): only P-256, RSA of 3072 bits or more, and SM2 are accepted.',
});

export const caMissing = createErrorFactory({
  code: 'key.ca_missing',
  status: 409,
  zh: '系统证书颁发机构尚未建立，请先执行 dangan keys ca init。',
  en: 'The system certificate authority does not exist yet; run dangan keys ca init first.',
});

export const caExists = createErrorFactory({
  code: 'key.ca_exists',
  status: 409,
  zh: '系统证书颁发机构已经存在。',
  en: 'The system certificate authority already exists.',
});

/** An imported certificate does not pass the checks; reason names the failed one. */
export const certInvalid = createErrorFactory({
  code: 'key.cert_invalid',
  status: 422,
  zh: '证书未通过校验：{reason}。',
  en: 'The certificate does not pass its checks: {reason}.',
});

export const certNotFound = createErrorFactory({
  code: 'key.cert_not_found',
  status: 404,
  zh: '找不到证书 {cert}。',
  en: 'Certificate {cert} not found.',
});

export const holderNotGranted = createErrorFactory({
  code: 'key.holder_not_granted',
  status: 404,
  zh: '{username} 不是密级 {level} 的持有人。',
  en: '{username} is not a holder at level {level}.',
});

export const holderIneligible = createErrorFactory({
  code: 'key.holder_ineligible',
  status: 422,
  zh: '{username} 不能成为密级 {level} 的持有人：{reason}。',
  en: '{username} cannot be a holder at level {level}: {reason}.',
});

/** Revoking would leave content that no remaining holder can open. */
export const holderLast = createErrorFactory({
  code: 'key.holder_last',
  status: 409,
  zh: '撤销后有 {blobs} 个文件再无持有人能够解开。请先让其他持有人解锁并执行“补发封装”，或确认销毁（--force）。',
  en: 'After revocation {blobs} files could be opened by no holder. Have another holder unlock and share first, or confirm with --force (the content becomes unreadable).',
});

export const holderLevelBelow = createErrorFactory({
  code: 'key.holder_level_below',
  status: 422,
  zh: '密级 {level} 低于持有人保护起点 {from}，不需要持有人。',
  en: 'Level {level} is below the holder threshold {from}; it has no holders.',
});

export const holderLocked = createErrorFactory({
  code: 'key.holder_locked',
  status: 409,
  zh: '您的持有人密钥尚未解锁。',
  en: 'Your holder key is not unlocked.',
});

/** encryption.holdersRequired: a holder level without holders takes no new content. */
export const holderNone = createErrorFactory({
  code: 'key.holder_none',
  status: 409,
  zh: '密级 {level} 要求持有人保护，但尚未授权任何持有人，暂不能存入。请安全保密管理员先授权持有人。',
  en: 'Level {level} requires holder protection but has no holder yet; nothing can be stored there until the security officer grants one.',
});
