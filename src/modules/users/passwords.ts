/**
 * Password hashing with Argon2id (RFC 9106) from Node's own crypto (OpenSSL 3.2+), parameters per
 * OWASP's recommendation (19 MiB, 2 passes, 1 lane). The encoded form follows the PHC string format
 * so that parameters can be raised later without breaking stored hashes.
 */
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const argon2Async = promisify(argon2);

const DEFAULTS = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32 };

export async function hashPassword(password: string): Promise<string> {
  const nonce = randomBytes(16);
  const tag = await argon2Async('argon2id', { message: password, nonce, ...DEFAULTS });
  return `$argon2id$v=19$m=${DEFAULTS.memory},t=${DEFAULTS.passes},p=${DEFAULTS.parallelism}$${b64(nonce)}$${b64(tag)}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(
    encoded,
  );
  if (!match) return false;
  const [, m, t, p, salt, hash] = match as unknown as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64');
  const tag = await argon2Async('argon2id', {
    message: password,
    nonce: Buffer.from(salt, 'base64'),
    memory: Number(m),
    passes: Number(t),
    parallelism: Number(p),
    tagLength: expected.length,
  });
  return tag.length === expected.length && timingSafeEqual(tag, expected);
}

/** A password people can type from a printed line: 20 characters, no look-alikes (0/O, 1/l/I). */
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(length * 2);
  let out = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every character equally likely.
    if (byte < 256 - (256 % alphabet.length)) out += alphabet[byte % alphabet.length];
    if (out.length === length) break;
  }
  return out.length === length ? out : generatePassword(length);
}

// The most common passwords and keyboard walks (from public breach lists); a chosen password may
// not be one of these or start with one followed only by digits and symbols.
const COMMON = [
  'password',
  'passw0rd',
  'qwerty',
  'qwertyuiop',
  'asdfghjkl',
  'iloveyou',
  'admin',
  'administrator',
  'welcome',
  'letmein',
  'abc123',
  '123456',
  '1234567890',
  'woaini',
  'dangan',
];

/**
 * Rules for a chosen password (GB/T 22239-2019 §8.1.4.1 asks for complexity and periodic change;
 * NIST SP 800-63B for length and a blocklist): at least 10 characters, three of four kinds
 * (lower case, upper case, digits, others including Chinese), not the user name, not a common
 * password.
 */
export function passwordProblem(password: string, username: string): string | null {
  if ([...password].length < 10) return '至少 10 个字符 / at least 10 characters';
  if ([...password].length > 256) return '最多 256 个字符 / at most 256 characters';
  if (password.toLowerCase().includes(username.toLowerCase()))
    return '不能包含用户名 / must not contain the user name';
  if (new Set(password).size < 5) return '字符种类太少 / too few distinct characters';
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((r) => r.test(password));
  if (kinds.length < 3)
    return '须包含小写字母、大写字母、数字、其他字符中的至少三类 / use three of: lower case, upper case, digits, other characters';
  const core = password.toLowerCase().replace(/[\d\W_]+$/u, '');
  if (COMMON.includes(core) || COMMON.includes(password.toLowerCase()))
    return '过于常见，容易被猜中 / too common, easily guessed';
  return null;
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}
