/**
 * First-start set-up, idempotent on every start: the configured secrecy levels, the root
 * organisation and default fonds, and — when no account exists — the first administrator with a
 * one-time password (there is no default password).
 */
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Database } from '../db/database.port.ts';
import type { Actor } from '../modules/access/access.policy.ts';
import { ROLES } from '../modules/access/access.policy.ts';
import { recordEvent } from '../modules/events/events.ts';
import { generatePassword, hashPassword } from '../modules/users/passwords.ts';
import type { Config } from './config.ts';

export interface BootstrapResult {
  /** set when this start created the first administrator */
  firstAdmin?: { username: string; oneTimePassword: string };
}

/** The operator at the command line of the machine holding the data folder: all roles, all clearance. */
export function localActor(maxRank: number): Actor {
  let name = 'operator';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep the generic name.
  }
  return {
    kind: 'local',
    userId: null,
    label: `cli:${name}`,
    roles: [...ROLES],
    clearanceRank: maxRank,
    organisationPath: '/',
  };
}

export async function bootstrap(db: Database, config: Config): Promise<BootstrapResult> {
  const result: BootstrapResult = {};
  await db.transaction(async (tx) => {
    // Serialise concurrent first starts against one PostgreSQL server.
    if (db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7346001)');
    for (const level of config.secrecyLevels) {
      await tx.query(
        `INSERT INTO secrecy_levels (code, name_zh, name_en, rank) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en`,
        [level.code, level.zh, level.en, level.rank],
      );
    }
    const system = localActor(Math.max(...config.secrecyLevels.map((l) => l.rank)));
    const orgs = await tx.query<{ id: string }>(
      'SELECT id FROM organisations WHERE parent_id IS NULL ORDER BY created_at LIMIT 1',
    );
    let rootId = orgs.rows[0]?.id;
    if (!rootId) {
      rootId = randomUUID();
      await tx.query(
        `INSERT INTO organisations (id, parent_id, code, name, level, path) VALUES ($1, NULL, $2, $3, 'city', $4)`,
        [rootId, config.bootstrap.organisationCode, config.bootstrap.organisationName, `/${rootId}/`],
      );
      await tx.query('INSERT INTO fonds (id, code, name, organisation_id) VALUES ($1, $2, $3, $4)', [
        randomUUID(),
        config.bootstrap.fondsCode,
        config.bootstrap.fondsName,
        rootId,
      ]);
      await recordEvent(tx, system, 'system.bootstrap', { organisation: config.bootstrap.organisationCode });
    }
    const users = await tx.query('SELECT 1 FROM users LIMIT 1');
    if (users.rowCount === 0) {
      const oneTimePassword = generatePassword();
      const top = [...config.secrecyLevels].sort((a, b) => b.rank - a.rank)[0]!;
      await tx.query(
        `INSERT INTO users (id, username, display_name, password_hash, organisation_id, roles, clearance, must_change_password)
         VALUES ($1, 'admin', '系统管理员', $2, $3, $4, $5, true)`,
        [randomUUID(), await hashPassword(oneTimePassword), rootId, ['admin'], top.code],
      );
      await recordEvent(tx, system, 'user.create', { username: 'admin', roles: ['admin'], firstStart: true });
      result.firstAdmin = { username: 'admin', oneTimePassword };
    }
  });
  return result;
}
