/**
 * What a signed-in user does to their own credentials: change the password, and set up, confirm or
 * turn off the TOTP second factor. Each step that weakens or replaces a factor asks for the password.
 */
import type { Database, Queryable } from '../../db/database.port.ts';
import type { Actor } from '../access/access.policy.ts';
import { recordEvent } from '../events/events.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import type { TotpSecrets } from './totp-seal.ts';
import { matchTotp, newTotpSecret, totpUri } from './totp.ts';
import {
  badCredentials,
  otpInvalid,
  totpAlreadyEnabled,
  totpNotSetUp,
  unauthenticated,
  weakPassword,
} from './users.errors.ts';
import type { UserRow } from './users.usecases.ts';

export async function changePassword(
  db: Database,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  currentCredentialId?: string,
): Promise<void> {
  if (actor.userId === null) throw unauthenticated();
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [actor.userId]);
  const user = rows[0];
  if (!user) throw unauthenticated();
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) throw badCredentials();
  const problem = passwordProblem(input.newPassword, user.username);
  if (problem) throw weakPassword({ reason: problem });
  if (input.newPassword === input.currentPassword)
    throw weakPassword({ reason: '新密码不能与旧密码相同 / must differ from the old one' });
  const hash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx.query(
      'UPDATE users SET password_hash = $2, must_change_password = false, password_changed_at = now() WHERE id = $1',
      [user.id, hash],
    );
    // Whoever knew the old password may hold a session: end every session but this one.
    await tx.query(
      `UPDATE credentials SET revoked_at = now(), revoked_by = $2
        WHERE user_id = $1 AND kind = 'session' AND revoked_at IS NULL AND id IS DISTINCT FROM $3::uuid`,
      [user.id, actor.label, currentCredentialId ?? null],
    );
    await recordEvent(tx, actor, 'auth.password_change');
  });
}

async function reauthenticate(db: Queryable, actor: Actor, password: string): Promise<UserRow> {
  if (actor.userId === null) throw unauthenticated();
  const { rows } = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [actor.userId]);
  const user = rows[0];
  if (!user) throw unauthenticated();
  if (!(await verifyPassword(password, user.password_hash))) {
    await recordEvent(db, actor, 'auth.reauthenticate', { outcome: 'denied' });
    throw badCredentials();
  }
  return user;
}

/** Starts TOTP enrolment: a new secret, kept unused until a first code confirms it. */
export async function setUpTotp(
  db: Database,
  actor: Actor,
  input: { password: string; issuer: string },
  totpSecrets: TotpSecrets,
): Promise<{ secret: string; uri: string }> {
  const user = await reauthenticate(db, actor, input.password);
  if (user.totp_enabled) throw totpAlreadyEnabled();
  const secret = newTotpSecret();
  await db.transaction(async (tx) => {
    const { sealed, keyRef } = await totpSecrets.seal(tx, user.id, secret);
    await tx.query(
      `UPDATE users SET totp_secret = NULL, totp_secret_sealed = $2, totp_key_ref = $3, totp_last_step = NULL
        WHERE id = $1`,
      [user.id, sealed, keyRef],
    );
    await recordEvent(tx, actor, 'auth.totp_setup');
  });
  return { secret, uri: totpUri(secret, input.issuer, user.username) };
}

/** Confirms enrolment with a first code; from now on sign-in asks for a code. */
export async function enableTotp(
  db: Database,
  actor: Actor,
  code: string,
  totpSecrets: TotpSecrets,
): Promise<void> {
  if (actor.userId === null) throw unauthenticated();
  await db.transaction(async (tx) => {
    const { rows } = await tx.query<UserRow>('SELECT * FROM users WHERE id = $1 FOR UPDATE', [actor.userId]);
    const user = rows[0]!;
    if (user.totp_enabled) throw totpAlreadyEnabled();
    const secret = await totpSecrets.open(user);
    if (!secret) throw totpNotSetUp();
    const step = matchTotp(secret, code, null);
    if (step === null) throw otpInvalid();
    await tx.query('UPDATE users SET totp_enabled = true, totp_last_step = $2 WHERE id = $1', [
      user.id,
      step,
    ]);
    await recordEvent(tx, actor, 'auth.totp_enable');
  });
}

/** Turns the second factor off, with the password and a current code. */
export async function disableTotp(
  db: Database,
  actor: Actor,
  input: { password: string; code: string },
  totpSecrets: TotpSecrets,
): Promise<void> {
  const user = await reauthenticate(db, actor, input.password);
  const secret = user.totp_enabled ? await totpSecrets.open(user) : null;
  if (!secret) throw totpNotSetUp();
  const last = user.totp_last_step === null ? null : Number(user.totp_last_step);
  if (matchTotp(secret, input.code, last) === null) throw otpInvalid();
  await db.transaction(async (tx) => {
    await tx.query(
      `UPDATE users SET totp_enabled = false, totp_secret = NULL, totp_secret_sealed = NULL, totp_key_ref = NULL,
         totp_last_step = NULL WHERE id = $1`,
      [user.id],
    );
    await recordEvent(tx, actor, 'auth.totp_disable');
  });
}
