/**
 * Access control decided in one place. Routes and use cases ask `authorize(actor, action)` before
 * acting, and every query that returns records embeds `recordVisibility(actor)` in its WHERE clause,
 * so a user never sees a record, a title or a count they are not cleared for — we never filter
 * results after the fact.
 */
import { createErrorFactory } from '../../app/errors.ts';

export const ROLES = ['admin', 'archivist', 'officer', 'reader'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'System administrator' },
  archivist: { zh: '档案管理员', en: 'Archivist' },
  officer: { zh: '业务人员', en: 'Approval officer' },
  reader: { zh: '查阅者', en: 'Reader' },
};

export type Action =
  | 'record.read'
  | 'record.download'
  | 'record.create'
  | 'record.update'
  | 'record.file'
  | 'reference.read'
  | 'reference.manage'
  | 'user.manage'
  | 'system.read'
  | 'system.manage'
  // encryption keys: status, rotation, crypto-shredding (the security officer's, at merge)
  | 'key.manage';

// The system administrator manages accounts, organisations and configuration but reads no content:
// the first step of separation of duties (三员分立), completed by the security issue.
const GRANTS: Record<Role, readonly Action[]> = {
  admin: ['reference.read', 'reference.manage', 'user.manage', 'system.read', 'system.manage', 'key.manage'],
  archivist: [
    'record.read',
    'record.download',
    'record.create',
    'record.update',
    'record.file',
    'reference.read',
    'reference.manage',
    'system.read',
  ],
  officer: ['record.read', 'record.download', 'record.create', 'record.update', 'reference.read'],
  reader: ['record.read', 'record.download', 'reference.read'],
};

/** Who is acting: a signed-in user, an API token, or the local operator at the command line. */
export interface Actor {
  kind: 'user' | 'local';
  /** user id, or null for the local operator */
  userId: string | null;
  /** what the audit trail shows, e.g. "user:zhangsan" or "cli:root" */
  label: string;
  roles: readonly Role[];
  /** rank of the highest secrecy level the actor may read */
  clearanceRank: number;
  /** materialised path of the actor's organisation: the actor sees this subtree */
  organisationPath: string;
  ip?: string | undefined;
}

export const forbidden = createErrorFactory({
  code: 'auth.forbidden',
  status: 403,
  zh: '您没有执行此操作的权限。',
  en: 'You are not allowed to do this.',
});

export function can(actor: Actor, action: Action): boolean {
  return actor.roles.some((role) => GRANTS[role].includes(action));
}

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor, action)) throw forbidden({ action });
}

/**
 * The SQL condition under which the actor sees a record, for a query that aliases records as
 * `alias`. Parameters are appended to `params`, whose current length decides the placeholders.
 * Rules: a role grants record.read; the record's organisation lies in the actor's subtree; the
 * actor's clearance is at least the record's secrecy level.
 */
export function recordVisibility(actor: Actor, alias: string, params: unknown[]): string {
  if (!can(actor, 'record.read')) return 'false';
  params.push(actor.organisationPath, actor.clearanceRank);
  const pathParam = `$${params.length - 1}`;
  const rankParam = `$${params.length}`;
  return `(EXISTS (SELECT 1 FROM organisations vis_o WHERE vis_o.id = ${alias}.organisation_id AND starts_with(vis_o.path, ${pathParam}))
    AND (SELECT vis_l.rank FROM secrecy_levels vis_l WHERE vis_l.code = ${alias}.secrecy_level) <= ${rankParam})`;
}
