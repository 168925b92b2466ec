/**
 * TOTP second factor (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps — what every authenticator app
 * reads from an otpauth:// URI), on the `otpauth` library. A code is accepted one step either side
 * of now for clock drift, and never twice: the step it matched is remembered (replay).
 */
import { Secret, TOTP } from 'otpauth';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, issuer: string, label: string): TOTP {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

/** The otpauth:// URI an authenticator app scans (shown as a QR code by the web page). */
export function totpUri(secret: string, issuer: string, username: string): string {
  return totp(secret, issuer, username).toString();
}

/**
 * The time step a code matches, or null. `lastStep` is the step of the last accepted code: a
 * code of that step or earlier is refused even if it is still within its window.
 */
export function matchTotp(
  secret: string,
  code: string,
  lastStep: number | null,
  now: number = Date.now(),
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret, 'dangan', 'x').validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = TOTP.counter({ period: 30, timestamp: now }) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** The code of a time (for tests and for the CLI's self-check). */
export function totpCode(secret: string, now: number = Date.now()): string {
  return totp(secret, 'dangan', 'x').generate({ timestamp: now });
}
