/**
 * The errors of the blob store. Codes are stable (callers and the API documentation rely on them);
 * the storage.* codes describe the disks rather than one blob, so a server can map them to alerts.
 */
import { createErrorFactory } from '../../app/errors.ts';

/** More bytes arrived than the caller allowed; nothing was kept. RFC 9110 §15.5.14. */
export const blobTooLarge = createErrorFactory({
  code: 'blob.too_large',
  status: 413,
  zh: '文件超过允许的大小（{maxBytes} 字节），未予保存。',
  en: 'The file is larger than the allowed {maxBytes} bytes and was not kept.',
});

export const blobNotFound = createErrorFactory({
  code: 'blob.not_found',
  status: 404,
  zh: '存储中找不到该文件内容（{sha256}）。',
  en: 'The stored content {sha256} was not found.',
});

/**
 * Every replica holds the blob but none has a good copy of some part of it: the archive has lost
 * data and an administrator must restore it from a backup.
 */
export const blobUnreadable = createErrorFactory({
  code: 'blob.unreadable',
  status: 500,
  zh: '文件内容（{sha256}）在所有副本上均已损坏，无法读取，请联系管理员从备份恢复。',
  en: 'The stored content {sha256} is damaged on every replica and cannot be read; restore it from a backup.',
});

/** RFC 9110 §15.5.17: the range does not overlap the content. */
export const blobRangeInvalid = createErrorFactory({
  code: 'blob.range_invalid',
  status: 416,
  zh: '请求的字节范围无效（文件大小 {size} 字节）。',
  en: 'The requested byte range is not satisfiable (the content has {size} bytes).',
});

/** A blob address must be 64 lowercase hex digits; anything else could name a path outside the store. */
export const blobAddressInvalid = createErrorFactory({
  code: 'blob.address_invalid',
  status: 400,
  zh: '文件地址无效，应为 64 位小写十六进制 SHA-256 值。',
  en: 'Invalid content address: expected 64 lowercase hexadecimal digits (SHA-256).',
});

/** commit() after discard(), or after the staged file vanished. */
export const blobNotStaged = createErrorFactory({
  code: 'blob.not_staged',
  status: 409,
  zh: '暂存的文件已被丢弃或已不存在，无法提交。',
  en: 'The staged file was discarded or no longer exists and cannot be committed.',
});

/** The staged bytes changed between stage() and commit() (disk fault or tampering); nothing was stored. */
export const blobStagingCorrupt = createErrorFactory({
  code: 'blob.staging_corrupt',
  status: 500,
  zh: '暂存文件在提交前被改变，未予保存，请重新上传。',
  en: 'The staged file changed before it was committed and was not stored; upload it again.',
});

/** RFC 4918 §11.5 (507 Insufficient Storage): ENOSPC or EDQUOT on a volume. */
export const storageFull = createErrorFactory({
  code: 'storage.full',
  status: 507,
  zh: '存储空间已满，文件未能保存，请联系管理员扩容。',
  en: 'Storage is full; the file was not stored. Ask the administrator to add space.',
});

export const storageWriteFailed = createErrorFactory({
  code: 'storage.write_failed',
  status: 500,
  zh: '写入存储失败，文件未能保存，请稍后重试或联系管理员。',
  en: 'Writing to storage failed; the file was not stored. Retry later or contact the administrator.',
});

/** Listing a volume failed (not a damaged blob: a volume that cannot be read at all). */
export const storageReadFailed = createErrorFactory({
  code: 'storage.read_failed',
  status: 500,
  zh: '读取存储失败，请稍后重试或联系管理员。',
  en: 'Reading from storage failed. Retry later or contact the administrator.',
});

/** A sealed (encrypted) blob was asked for without its data key: a wiring fault, not a user error. */
export const blobKeyRequired = createErrorFactory({
  code: 'blob.key_required',
  status: 500,
  zh: '该文件内容已加密，读取时缺少数据密钥（{sha256}）。',
  en: 'The stored content {sha256} is encrypted and was read without its data key.',
});

/** The data key given does not belong to the blob (its key check value differs). */
export const blobKeyInvalid = createErrorFactory({
  code: 'blob.key_invalid',
  status: 500,
  zh: '数据密钥与文件内容（{sha256}）不匹配，无法解密。',
  en: 'The data key does not belong to the stored content {sha256}; it cannot be decrypted.',
});
