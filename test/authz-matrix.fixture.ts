/**
 * The world of the authorisation matrix: an organisation tree, records at every secrecy level in
 * every organisation, and one principal per kind of account. Expectations are written out here by
 * hand from docs/SECURITY.md — deliberately not computed with src/modules/access, so that a change
 * to the policy that leaks shows up as a failing case.
 */
import assert from 'node:assert/strict';
import { signIn, uploadRecord, type TestContext } from './helpers.ts';

export const ORGS = ['SPJ', 'XC', 'XC1', 'HM'] as const;
export type Org = (typeof ORGS)[number];
/** the chain of organisations above each one (SPJ is the root) */
const ANCESTORS: Record<Org, Org[]> = { SPJ: [], XC: ['SPJ'], XC1: ['XC', 'SPJ'], HM: ['SPJ'] };
export const LEVELS = ['public', 'internal', 'sensitive'] as const;
export type Level = (typeof LEVELS)[number];
const RANK: Record<Level, number> = { public: 0, internal: 1, sensitive: 2 };

export type Grant =
  | 'read'
  | 'download'
  | 'update'
  | 'classify'
  | 'file'
  | 'create'
  | 'refManage'
  | 'userManage'
  | 'userRead'
  | 'accessManage'
  | 'audit'
  | 'systemRead'
  | 'systemManage'
  | 'keyManage';

/** What each role may do (docs/SECURITY.md, 角色与权限). */
const ROLE_GRANTS: Record<string, Grant[]> = {
  admin: ['refManage', 'userManage', 'userRead', 'systemRead', 'systemManage'],
  security: ['userRead', 'accessManage', 'keyManage'],
  auditor: ['audit'],
  archivist: ['read', 'download', 'update', 'classify', 'file', 'create', 'refManage', 'systemRead'],
  officer: ['read', 'download', 'update', 'create'],
  reader: ['read', 'download'],
};

export interface Principal {
  username: string;
  role: string;
  org: Org;
  clearance: Level;
  shared?: Org;
  authorization: string;
  password: string;
}

export interface MatrixRecord {
  id: string;
  org: Org;
  level: Level;
  title: string;
  archiveNo: string | null;
}

export const PRINCIPALS: Omit<Principal, 'authorization' | 'password'>[] = [
  { username: 'admin', role: 'admin', org: 'SPJ', clearance: 'sensitive' },
  { username: 'm-security', role: 'security', org: 'SPJ', clearance: 'public' },
  { username: 'm-auditor', role: 'auditor', org: 'SPJ', clearance: 'public' },
  { username: 'm-arch-root', role: 'archivist', org: 'SPJ', clearance: 'sensitive' },
  { username: 'm-arch-hm', role: 'archivist', org: 'HM', clearance: 'internal' },
  { username: 'm-off-xc', role: 'officer', org: 'XC', clearance: 'internal' },
  { username: 'm-off-xc-s', role: 'officer', org: 'XC', clearance: 'sensitive' },
  { username: 'm-read-xc1', role: 'reader', org: 'XC1', clearance: 'public' },
  { username: 'm-read-hm', role: 'reader', org: 'HM', clearance: 'sensitive' },
  { username: 'm-read-shared', role: 'reader', org: 'HM', clearance: 'internal', shared: 'XC' },
];

export function granted(p: Pick<Principal, 'role'>, grant: Grant): boolean {
  return ROLE_GRANTS[p.role]!.includes(grant);
}

function within(org: Org, scope: Org): boolean {
  return org === scope || ANCESTORS[org].includes(scope);
}

/** The rule under test: a role grants reading, the organisation is in scope, clearance suffices. */
export function visible(p: Principal, r: MatrixRecord): boolean {
  if (!granted(p, 'read')) return false;
  const inScope = within(r.org, p.org) || (p.shared !== undefined && within(r.org, p.shared));
  return inScope && RANK[r.level] <= RANK[p.clearance];
}

export interface World {
  principals: Principal[];
  records: MatrixRecord[];
  /** a user that administrative cases act on */
  victim: string;
}

export async function buildWorld(ctx: TestContext): Promise<World> {
  const admin = await signIn(ctx.app, 'admin', ctx.adminPassword);
  const call = (method: 'POST' | 'PUT', url: string, payload: object, auth = admin.authorization) =>
    ctx.app.inject({ method, url: `/api/v1${url}`, headers: { authorization: auth }, payload });
  for (const [code, parent, level] of [
    ['XC', 'SPJ', 'district'],
    ['XC1', 'XC', 'street'],
    ['HM', 'SPJ', 'district'],
  ] as const) {
    const res = await call('POST', '/organisations', { code, name: `${code} 机构`, level, parent });
    assert.equal(res.statusCode, 201, res.body);
  }
  const principals: Principal[] = [{ ...PRINCIPALS[0]!, ...admin }];
  for (const spec of PRINCIPALS.slice(1)) {
    const created = await call('POST', '/users', {
      username: spec.username,
      organisation: spec.org,
      roles: [spec.role],
      clearance: spec.clearance,
    });
    assert.equal(created.statusCode, 201, created.body);
    const { oneTimePassword } = created.json<{ oneTimePassword: string }>();
    principals.push({ ...spec, ...(await signIn(ctx.app, spec.username, oneTimePassword)) });
  }
  const security = principals.find((p) => p.role === 'security')!;
  for (const p of principals.filter((q) => q.shared)) {
    const res = await call(
      'POST',
      '/shares',
      { username: p.username, organisation: p.shared },
      security.authorization,
    );
    assert.equal(res.statusCode, 201, res.body);
  }
  const victim = await call('POST', '/users', {
    username: 'm-victim',
    organisation: 'HM',
    roles: ['reader'],
    clearance: 'public',
  });
  assert.equal(victim.statusCode, 201, victim.body);

  const archivist = principals.find((p) => p.username === 'm-arch-root')!;
  const records: MatrixRecord[] = [];
  for (const org of ORGS) {
    for (const level of LEVELS) {
      const title = `矩阵测试档案 ${org}-${level} 建设工程规划许可`;
      const res = await uploadRecord(
        ctx.app,
        archivist.authorization,
        {
          name: `${org}-${level}.txt`,
          content: `${title}\n项目代码 P-MATRIX-1，申请人 某某建设有限公司。\n`,
        },
        {
          title,
          organisation: org,
          level,
          category: 'SP',
          year: 2024,
          retention: 'D30',
          extra: { projectCode: 'P-MATRIX-1', applicant: '某某建设有限公司', matterType: '建设工程规划许可' },
        },
      );
      assert.equal(res.statusCode, 201, res.body);
      records.push({
        id: res.json<{ record: { id: string } }>().record.id,
        org,
        level,
        title,
        archiveNo: null,
      });
    }
  }
  // File the public records so that they can also be reached by archive number (档号).
  for (const r of records.filter((x) => x.level === 'public')) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/records/${r.id}/file`,
      headers: { authorization: archivist.authorization },
    });
    assert.equal(res.statusCode, 200, res.body);
    r.archiveNo = res.json<{ archiveNo: string }>().archiveNo;
  }
  const workers = ctx.services.startJobWorkers();
  await workers.idle();
  return { principals, records, victim: 'm-victim' };
}
