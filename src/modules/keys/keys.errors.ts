/** The errors of key management. Codes are stable; messages Chinese first. */
import { createErrorFactory } from '../../app/errors.ts';

/** The master key (environment or passphrase) does not open the key file. */
export const masterKeyInvalid = createErrorFactory({
  code: 'key.master_invalid',
  status: 500,
  zh: '主密钥或口令不正确，无法打开密钥文件（{file}）。请检查 DANGAN_MASTER_KEY 或 DANGAN_MASTER_PASSPHRASE。',
  en: 'The master key or passphrase does not open the key file {file}. Check DANGAN_MASTER_KEY or DANGAN_MASTER_PASSPHRASE.',
});

export const masterKeyMalformed = createErrorFactory({
  code: 'key.master_malformed',
  status: 500,
  zh: 'DANGAN_MASTER_KEY 应为 32 字节密钥（64 位十六进制或 Base64）。',
  en: 'DANGAN_MASTER_KEY must be a 32-byte key (64 hexadecimal digits or Base64).',
});

/** A key-encryption key named by the database is not in the key store. */
export const keyNotFound = createErrorFactory({
  code: 'key.not_found',
  status: 500,
  zh: '密钥库中找不到密钥加密密钥（{keyId}），加密内容无法读取。',
  en: 'The key-encryption key {keyId} is not in the key store; encrypted content cannot be read.',
});

/** A wrapped key does not unwrap: wrong key-encryption key, or the wrapped bytes were changed. */
export const keyUnwrapFailed = createErrorFactory({
  code: 'key.unwrap_failed',
  status: 500,
  zh: '数据密钥无法解封（{keyId}）：密钥不匹配或已被篡改。',
  en: 'A data key could not be unwrapped with {keyId}: wrong key or altered.',
});

/** The key store (file or hardware token) failed. */
export const keyStoreFailed = createErrorFactory({
  code: 'key.store_failed',
  status: 500,
  zh: '密钥库操作失败（{operation}），请联系安全保密管理员。',
  en: 'The key store failed ({operation}); contact the security officer.',
});

/** Crypto-shredding: the content's data key was destroyed on disposal, on purpose. RFC 9110 §15.5.11. */
export const contentDestroyed = createErrorFactory({
  code: 'key.content_destroyed',
  status: 410,
  zh: '该文件已按销毁程序销毁密钥（密码学销毁），内容永久无法恢复。',
  en: 'The content was destroyed on disposal (its key was destroyed) and can never be recovered.',
});

export const levelUnknown = createErrorFactory({
  code: 'key.level_unknown',
  status: 400,
  zh: '未知的密级：{level}。',
  en: 'Unknown secrecy level: {level}.',
});

export const keyStoreConfigInvalid = createErrorFactory({
  code: 'key.store_config_invalid',
  status: 500,
  zh: '密钥库配置无效：{reason}。',
  en: 'Invalid key store configuration: {reason}.',
});

export const recordNotFoundForKeys = createErrorFactory({
  code: 'key.record_not_found',
  status: 404,
  zh: '找不到档案 {record}。',
  en: 'Record {record} not found.',
});
