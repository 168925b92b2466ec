/**
 * The authorisation matrix (issue 6): every principal × every record (secrecy level × organisation)
 * × every endpoint and search path of the app, plus forged, expired, revoked and replayed
 * credentials, ids guessed across organisations and clearances, injection strings, and downgrades.
 * Zero leaks: a refusal never shows a title, and every refusal is a clear error with an audit entry.
 * The routes come from the app itself: a new route without a case here fails the test.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { grantShare } from '../src/modules/access/access.usecases.ts';
import { hashSecret } from '../src/modules/users/sessions.usecases.ts';
import {
  buildWorld,
  granted,
  visible,
  type MatrixRecord,
  type Principal,
  type World,
} from './authz-matrix.fixture.ts';
import { createTestContext, uploadRecord, type TestContext } from './helpers.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Res {
  statusCode: number;
  body: string;
  json: <T>() => T;
}

/** Routes reachable without signing in. */
const PUBLIC = new Set(['GET /healthz', 'GET /readyz', 'POST /api/v1/auth/login']);

/**
 * Routes about one record: expectations follow visible() and the role's grant. `idOnly`: the route
 * takes the record id, not its 档号.
 */
const RECORD_ROUTES: Record<
  string,
  { grant: 'read' | 'download' | 'update' | 'file'; ok: number[]; body?: object; idOnly?: boolean }
> = {
  'GET /api/v1/records/{id}': { grant: 'read', ok: [200] },
  'PATCH /api/v1/records/{id}': { grant: 'update', ok: [200], body: { notes: '矩阵测试' } },
  'POST /api/v1/records/{id}/file': { grant: 'file', ok: [200, 409] },
  'GET /api/v1/records/{id}/components/{componentId}/content': { grant: 'download', ok: [200] },
  'GET /api/v1/records/{id}/similar': { grant: 'read', ok: [200] },
  'GET /api/v1/records/{id}/related': { grant: 'read', ok: [200] },
  'GET /api/v1/records/{id}/proof': { grant: 'read', ok: [200] },
  'GET /api/v1/records/{id}/events': { grant: 'read', ok: [200] },
  'GET /api/v1/records/{id}/suggestions': { grant: 'read', ok: [200], idOnly: true },
  // a correction (no model is trained here, so there is no suggested label to confirm)
  'POST /api/v1/records/{id}/suggestions/review': {
    grant: 'update',
    ok: [200],
    body: { label: 'SP/SG' },
    idOnly: true,
  },
  // the matrix's records are text files: no page image can be made, no OCR result to review
  'GET /api/v1/records/{id}/ocr/pages/{page}/image': { grant: 'download', ok: [415] },
  'PUT /api/v1/records/{id}/ocr/pages/{page}': { grant: 'update', ok: [404], body: { lines: [] } },
};

describe('authorisation matrix', () => {
  let ctx: TestContext;
  let world: World;
  let cases = 0;
  let n = 0;

  const inject = (method: Method, url: string, authorization: string | undefined, payload?: object) =>
    ctx.app.inject({
      method,
      url,
      headers: authorization ? { authorization } : {},
      ...(payload ? { payload } : {}),
    }) as Promise<Res>;
  const denials = async () =>
    (
      await ctx.services.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE action = 'access.denied' OR (action LIKE 'auth.%' AND outcome = 'denied')`,
      )
    ).rows[0]!.n;
  /** A refusal: the expected status, a stable code and a message, an audit entry, and no title in it. */
  const refused = async (what: string, res: Res, status: number, before: number, titles: string[] = []) => {
    cases++;
    assert.equal(res.statusCode, status, `${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    const error = res.json<{ error: { code: string; message: string } }>().error;
    assert.match(error.code, /^[a-z_]+\.[a-z_]+$/, what);
    assert.ok(error.message.length > 0, what);
    for (const t of titles) assert.ok(!res.body.includes(t), `${what} leaks a title`);
    assert.ok((await denials()) > before, `${what}: no audit entry for the refusal`);
  };
  const allowed = (what: string, res: Res, ok: number[]) => {
    cases++;
    assert.ok(ok.includes(res.statusCode), `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  };
  const allTitles = () => world.records.map((r) => r.title);
  const principal = (username: string) => world.principals.find((p) => p.username === username)!;
  /** Every path and method of the app, from its own OpenAPI document. */
  const routesOfApp = async () =>
    (await inject('GET', '/api/openapi.json', undefined)).json<{
      paths: Record<string, Record<string, unknown>>;
    }>().paths;
  const visibleIds = (p: Principal) => new Set(world.records.filter((r) => visible(p, r)).map((r) => r.id));

  before(async () => {
    ctx = await createTestContext({ rateLimit: 1_000_000, loginRateLimit: 10_000 });
    world = await buildWorld(ctx);
    await ctx.services.ledger.sync();
  });
  after(async () => {
    console.log(`# authorisation matrix: ${cases} cases`);
    await ctx.close();
  });

  it('has a case for every route of the app', async () => {
    const routes = Object.entries(await routesOfApp()).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const missing = routes.filter((r) => !PUBLIC.has(r) && !(r in RECORD_ROUTES) && !(r in OTHER_ROUTES()));
    assert.deepEqual(missing, [], 'routes without an authorisation case');
    assert.ok(routes.length >= 40);
  });

  it('shows each principal exactly the records they are cleared for, on every record route', async () => {
    for (const p of world.principals) {
      for (const r of world.records) {
        for (const key of [r.id, ...(r.archiveNo ? [r.archiveNo] : [])]) {
          for (const [route, spec] of Object.entries(RECORD_ROUTES)) {
            if (spec.idOnly && key !== r.id) continue;
            const [method, path] = route.split(' ') as [Method, string];
            const url = path
              .replace('{id}', encodeURIComponent(key))
              .replace('{componentId}', 'original')
              .replace('{page}', '1');
            const what = `${p.username} ${route} ${r.org}/${r.level}${key === r.id ? '' : ' by 档号'}`;
            const before = await denials();
            const res = await inject(method, url, p.authorization, spec.body);
            if (!granted(p, spec.grant)) await refused(what, res, 403, before, [r.title]);
            else if (!visible(p, r)) await refused(what, res, 404, before, [r.title]);
            // A sensitive text file is only served watermarked, and text cannot carry a mark: refused
            // to everyone alike (watermark.unsupported), which tells nothing about the record.
            else if (route.endsWith('/content') && r.level === 'sensitive') allowed(what, res, [415]);
            else allowed(what, res, spec.ok);
            if (res.statusCode === 200 && method === 'GET' && /similar|related/.test(route)) {
              const ids = JSON.stringify(res.json());
              for (const other of world.records)
                if (!visible(p, other))
                  assert.ok(!ids.includes(other.id), `${what} lists ${other.org}/${other.level}`);
            }
          }
        }
      }
    }
  });

  it('lists, counts, searches and facets only what each principal may see', async () => {
    for (const p of world.principals) {
      const mine = visibleIds(p);
      const list = await inject('GET', '/api/v1/records?limit=200', p.authorization);
      const search = await inject(
        'GET',
        `/api/v1/search?q=${encodeURIComponent('矩阵测试档案')}&limit=100`,
        p.authorization,
      );
      const filtered = await inject(
        'GET',
        '/api/v1/search?q=%E7%9F%A9%E9%98%B5&level=sensitive&organisation=XC',
        p.authorization,
      );
      if (!granted(p, 'read')) {
        for (const res of [list, search, filtered]) assert.equal(res.statusCode, 403);
        cases += 3;
        continue;
      }
      const listed = list.json<{ total: number; items: { id: string }[] }>();
      assert.deepEqual(new Set(listed.items.map((i) => i.id)), mine, `${p.username} list`);
      assert.equal(listed.total, mine.size, `${p.username} count`);
      const found = search.json<{
        total: number;
        hits: { id: string }[];
        facets: Record<string, { count: number }[]>;
      }>();
      assert.deepEqual(new Set(found.hits.map((h) => h.id)), mine, `${p.username} search`);
      assert.equal(found.total, mine.size, `${p.username} search total`);
      for (const [facet, values] of Object.entries(found.facets))
        assert.ok(values.reduce((s, v) => s + v.count, 0) <= mine.size, `${p.username} facet ${facet}`);
      const narrowed = filtered.json<{ hits: { id: string }[] }>().hits;
      for (const h of narrowed) {
        const r = world.records.find((x) => x.id === h.id)!;
        assert.ok(mine.has(h.id) && r.level === 'sensitive' && (r.org === 'XC' || r.org === 'XC1'));
      }
      cases += 3;
    }
  });

  it('answers every other route by role, and counts only visible records in the status', async () => {
    const routes = OTHER_ROUTES();
    for (const p of world.principals) {
      for (const [route, spec] of Object.entries(routes)) {
        const before = await denials();
        const res = await spec.run(p);
        const what = `${p.username} ${route}`;
        if (spec.allowed(p)) allowed(what, res, spec.ok);
        else await refused(what, res, 403, before, allTitles());
        if (route === 'GET /api/v1/system/status' && res.statusCode === 200) {
          const { records } = res.json<{ records: { draft: number; filed: number } }>();
          assert.ok(records.draft + records.filed <= visibleIds(p).size + 20, what);
          if (p.role === 'admin')
            assert.equal(records.draft + records.filed, 0, 'the administrator counts no content');
        }
        if (route === 'GET /api/v1/classify/review' && res.statusCode === 200) {
          const queue = JSON.stringify(res.json());
          for (const r of world.records)
            if (!visible(p, r))
              assert.ok(
                !queue.includes(r.id) && !queue.includes(r.title),
                `${what} lists ${r.org}/${r.level}`,
              );
        }
      }
    }
  });

  it('refuses forged, expired, revoked, replayed and disabled credentials on every route', async () => {
    const reader = principal('m-read-hm');
    const login = async () => {
      const res = await inject('POST', '/api/v1/auth/login', undefined, {
        username: reader.username,
        password: reader.password,
      });
      return res.json<{ token: string }>().token;
    };
    const revoked = await login();
    assert.equal((await inject('POST', '/api/v1/auth/logout', `Bearer ${revoked}`)).statusCode, 204);
    const expired = await login();
    await ctx.services.db.query(
      `UPDATE credentials SET expires_at = now() - interval '1 second' WHERE secret_hash = $1`,
      [hashSecret(expired)],
    );
    const victimToken = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: { authorization: reader.authorization },
      payload: { name: 'cookie-misuse' },
    });
    const apiToken = victimToken.json<{ token: string }>().token;
    const admin = world.principals.find((p) => p.role === 'admin')!;
    const created = await inject('POST', '/api/v1/users', admin.authorization, {
      username: 'm-disabled',
      organisation: 'HM',
      roles: ['reader'],
      clearance: 'public',
    });
    const disabledLogin = await inject('POST', '/api/v1/auth/login', undefined, {
      username: 'm-disabled',
      password: created.json<{ oneTimePassword: string }>().oneTimePassword,
    });
    const disabledToken = disabledLogin.json<{ token: string }>().token;
    const disable = await inject('PUT', '/api/v1/users/m-disabled/disabled', admin.authorization, {
      disabled: true,
    });
    assert.equal(disable.statusCode, 200, disable.body);
    const variants: [string, Record<string, string>][] = [
      ['disabled account', { authorization: `Bearer ${disabledToken}` }],
      ['no credential', {}],
      ['forged token', { authorization: `Bearer dgs_${'A'.repeat(43)}` }],
      ['malformed token', { authorization: "Bearer ' OR '1'='1" }],
      ['revoked (replayed) session', { authorization: `Bearer ${revoked}` }],
      ['expired session', { authorization: `Bearer ${expired}` }],
      ['API token sent as a cookie', { cookie: `dangan_session=${apiToken}` }],
    ];
    const paths = await routesOfApp();
    const id = world.records[0]!.id;
    for (const [path, methods] of Object.entries(paths)) {
      for (const method of Object.keys(methods).map((m) => m.toUpperCase() as Method)) {
        if (PUBLIC.has(`${method} ${path}`)) continue;
        const url = path
          .replace('{id}', id)
          .replace('{username}', world.victim)
          .replace('{componentId}', 'original')
          .replace('{category}', 'SP');
        for (const [name, headers] of variants) {
          const before = await denials();
          const res = (await ctx.app.inject({
            method,
            url,
            headers,
            payload: method === 'GET' || method === 'DELETE' ? undefined : {},
          })) as Res;
          const what = `${name} ${method} ${path}`;
          if (name === 'no credential') {
            cases++;
            assert.equal(res.statusCode, 401, what);
            assert.equal(res.json<{ error: { code: string } }>().error.code, 'auth.unauthenticated');
          } else await refused(what, res, 401, before, allTitles());
        }
      }
    }
  });

  it('refuses guessed ids and injection strings in every record route and search parameter', async () => {
    const guesses = [
      randomUUID(),
      '00000000-0000-0000-0000-000000000000',
      "' OR '1'='1",
      '1; DROP TABLE records; --',
      '../../../../etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      '${7*7}{{7*7}}',
      '<script>alert(1)</script>',
      'A001-SP·2024-D30-HM-9999',
      '%00',
      '\u0000',
      'x\u0000y',
    ];
    for (const p of world.principals.filter((q) =>
      ['m-arch-root', 'm-read-xc1', 'm-off-xc'].includes(q.username),
    )) {
      for (const [route, spec] of Object.entries(RECORD_ROUTES)) {
        const [method, path] = route.split(' ') as [Method, string];
        for (const guess of guesses) {
          const url = path
            .replace('{id}', encodeURIComponent(guess))
            .replace('{componentId}', encodeURIComponent(guess));
          const res = await inject(method, url, p.authorization, spec.body);
          cases++;
          assert.ok(
            [400, 403, 404].includes(res.statusCode),
            `${p.username} ${route} ${guess}: ${res.statusCode} ${res.body}`,
          );
          assert.ok(res.json<{ error: { code: string } }>().error.code);
        }
      }
      for (const guess of guesses) {
        for (const url of [
          `/api/v1/records?organisation=${encodeURIComponent(guess)}&level=${encodeURIComponent(guess)}`,
          `/api/v1/search?q=${encodeURIComponent(guess)}`,
          `/api/v1/search?q=%E7%9F%A9%E9%98%B5&organisation=${encodeURIComponent(guess)}`,
          `/api/v1/search?q=%E7%9F%A9%E9%98%B5&level=${encodeURIComponent(guess)}&fonds=${encodeURIComponent(guess)}`,
        ]) {
          const res = await inject('GET', url, p.authorization);
          cases++;
          assert.ok([200, 400].includes(res.statusCode), `${url}: ${res.statusCode} ${res.body}`);
          if (res.statusCode === 200) {
            const body = res.json<{ items?: { id: string }[]; hits?: { id: string }[] }>();
            for (const item of [...(body.items ?? []), ...(body.hits ?? [])])
              assert.ok(visibleIds(p).has(item.id), `${url} leaks ${item.id}`);
          }
        }
      }
    }
  });

  it('refuses a downgrade of a record’s secrecy level by anyone not cleared or not entitled', async () => {
    const find = (org: string, level: string) =>
      world.records.find((r) => r.org === org && r.level === level)!;
    const patch = (p: Principal, r: MatrixRecord, level: string) =>
      inject('PATCH', `/api/v1/records/${r.id}`, p.authorization, { level });
    const levelOf = async (r: MatrixRecord) =>
      (
        await ctx.services.db.query<{ l: string }>('SELECT secrecy_level AS l FROM records WHERE id = $1', [
          r.id,
        ])
      ).rows[0]!.l;
    // Each refusal also shows no title of the record.
    const attempts: [string, string, MatrixRecord, string, number][] = [
      // An officer who can see the record may not lower its level (raising it is allowed).
      ['officer downgrade', 'm-off-xc-s', find('XC', 'sensitive'), 'public', 403],
      // An archivist not cleared for it does not even learn that it exists.
      ['uncleared archivist downgrade', 'm-arch-hm', find('HM', 'sensitive'), 'public', 404],
      // A reader has no say at all.
      ['reader downgrade', 'm-read-hm', find('HM', 'sensitive'), 'public', 403],
      // Nobody raises a record above their own clearance.
      ['raise above own clearance', 'm-arch-hm', find('HM', 'internal'), 'sensitive', 404],
    ];
    for (const [what, username, record, level, status] of attempts) {
      const before = await denials();
      await refused(what, await patch(principal(username), record, level), status, before, [record.title]);
    }
    assert.equal(await levelOf(find('XC', 'sensitive')), 'sensitive');
    assert.equal(await levelOf(find('HM', 'sensitive')), 'sensitive');
    assert.equal(await levelOf(find('HM', 'internal')), 'internal');
    // A cleared archivist may, and it is recorded.
    const ok = await patch(principal('m-arch-hm'), find('HM', 'internal'), 'public');
    allowed('cleared archivist downgrade', ok, [200]);
    const { rows } = await ctx.services.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE action = 'record.update' AND record_id = $1 AND details->'fields' ? 'level'`,
      [find('HM', 'internal').id],
    );
    assert.equal(rows[0]!.n, 1);
    cases += 3;
  });

  it('refuses uploads above one’s clearance or into another organisation', async () => {
    const officer = principal('m-off-xc');
    for (const [metadata, label] of [
      [{ title: '越级', level: 'sensitive' }, 'above clearance'],
      [{ title: '越权', organisation: 'HM', level: 'public' }, 'other organisation'],
    ] as const) {
      const before = await denials();
      const res = (await uploadRecord(
        ctx.app,
        officer.authorization,
        { name: 'x.txt', content: `${label}\n` },
        metadata,
      )) as Res;
      await refused(label, res, 403, before);
    }
    assert.ok(cases >= 300, `only ${cases} cases`);
  });

  /** Every route that is not about one record: who may call it, and a call that exercises it. */
  function OTHER_ROUTES(): Record<
    string,
    { allowed: (p: Principal) => boolean; ok: number[]; run: (p: Principal) => Promise<Res> }
  > {
    const any = () => true;
    const can = (g: Parameters<typeof granted>[1]) => (p: Principal) => granted(p, g);
    const either =
      (...gs: Parameters<typeof granted>[1][]) =>
      (p: Principal) =>
        gs.some((g) => granted(p, g));
    const as = (method: Method, url: string, payload?: object) => (p: Principal) =>
      inject(method, url, p.authorization, payload);
    /** a plain GET, answered with 200 to those allowed */
    const reads = (allowed: (p: Principal) => boolean, url: string) => ({
      allowed,
      ok: [200],
      run: as('GET', url),
    });
    const unique = () => `${++n}`;
    const victim = () => world.victim;
    return {
      'GET /api/v1/system/status': reads(can('systemRead'), '/api/v1/system/status'),
      'POST /api/v1/auth/logout': {
        allowed: any,
        ok: [204],
        run: async (p) => {
          const login = await inject('POST', '/api/v1/auth/login', undefined, {
            username: p.username,
            password: p.password,
          });
          return inject('POST', '/api/v1/auth/logout', `Bearer ${login.json<{ token: string }>().token}`);
        },
      },
      'POST /api/v1/auth/totp/setup': {
        allowed: any,
        ok: [401],
        run: as('POST', '/api/v1/auth/totp/setup', { password: 'Wrong-Password-0' }),
      },
      'POST /api/v1/auth/totp/enable': {
        allowed: any,
        ok: [409],
        run: as('POST', '/api/v1/auth/totp/enable', { code: '000000' }),
      },
      'POST /api/v1/auth/totp/disable': {
        allowed: any,
        ok: [401],
        run: as('POST', '/api/v1/auth/totp/disable', { password: 'Wrong-Password-0', code: '000000' }),
      },
      'GET /api/v1/auth/me': reads(any, '/api/v1/auth/me'),
      'POST /api/v1/auth/password': {
        allowed: any,
        ok: [401],
        run: as('POST', '/api/v1/auth/password', {
          currentPassword: 'Wrong-Password-0',
          newPassword: 'Another-Pass-123',
        }),
      },
      'POST /api/v1/auth/tokens': {
        allowed: any,
        ok: [201],
        run: as('POST', '/api/v1/auth/tokens', { name: 'matrix' }),
      },
      'GET /api/v1/users': reads(can('userRead'), '/api/v1/users'),
      'POST /api/v1/users': {
        allowed: can('userManage'),
        ok: [201],
        run: (p) =>
          inject('POST', '/api/v1/users', p.authorization, {
            username: `m-new-${unique()}`,
            organisation: 'HM',
            roles: ['reader'],
            clearance: 'public',
          }),
      },
      'POST /api/v1/users/{username}/reset-password': {
        allowed: can('userManage'),
        ok: [200],
        run: (p) => inject('POST', `/api/v1/users/${victim()}/reset-password`, p.authorization),
      },
      'GET /api/v1/access/roles': reads(any, '/api/v1/access/roles'),
      'PUT /api/v1/users/{username}/roles': {
        allowed: can('userManage'),
        ok: [200],
        run: (p) => inject('PUT', `/api/v1/users/${victim()}/roles`, p.authorization, { roles: ['reader'] }),
      },
      'PUT /api/v1/users/{username}/clearance': {
        allowed: can('accessManage'),
        ok: [200],
        run: (p) =>
          inject('PUT', `/api/v1/users/${victim()}/clearance`, p.authorization, { clearance: 'public' }),
      },
      'PUT /api/v1/users/{username}/organisation': {
        allowed: can('userManage'),
        ok: [200],
        run: (p) =>
          inject('PUT', `/api/v1/users/${victim()}/organisation`, p.authorization, { organisation: 'HM' }),
      },
      'PUT /api/v1/users/{username}/disabled': {
        allowed: can('userManage'),
        ok: [200],
        run: (p) => inject('PUT', `/api/v1/users/${victim()}/disabled`, p.authorization, { disabled: false }),
      },
      'GET /api/v1/shares': reads(either('userRead', 'accessManage'), '/api/v1/shares'),
      'POST /api/v1/shares': {
        allowed: can('accessManage'),
        ok: [201],
        run: (p) =>
          inject('POST', '/api/v1/shares', p.authorization, {
            username: victim(),
            organisation: 'XC',
            days: 1,
          }),
      },
      'DELETE /api/v1/shares/{id}': {
        allowed: can('accessManage'),
        ok: [204],
        run: async (p) => {
          const share = await grantShare(ctx.services.db, ctx.services.local, {
            username: victim(),
            organisation: 'XC1',
          });
          return inject('DELETE', `/api/v1/shares/${share.id}`, p.authorization);
        },
      },
      'GET /api/v1/auth/sessions': reads(any, '/api/v1/auth/sessions'),
      'DELETE /api/v1/auth/sessions/{id}': {
        allowed: any,
        ok: [404],
        run: (p) => inject('DELETE', `/api/v1/auth/sessions/${randomUUID()}`, p.authorization),
      },
      'GET /api/v1/users/{username}/sessions': {
        allowed: either('userManage', 'accessManage'),
        ok: [200],
        run: (p) => inject('GET', `/api/v1/users/${victim()}/sessions`, p.authorization),
      },
      'DELETE /api/v1/users/{username}/sessions/{id}': {
        allowed: either('userManage', 'accessManage'),
        ok: [200],
        run: (p) => inject('DELETE', `/api/v1/users/${victim()}/sessions/all`, p.authorization),
      },
      'GET /api/v1/audit': reads(can('audit'), '/api/v1/audit?limit=5'),
      'GET /api/v1/organisations': reads(any, '/api/v1/organisations'),
      'POST /api/v1/organisations': {
        allowed: can('refManage'),
        ok: [201],
        run: (p) =>
          inject('POST', '/api/v1/organisations', p.authorization, {
            code: `MX${unique()}`,
            name: '矩阵部门',
            level: 'department',
            parent: 'HM',
          }),
      },
      'GET /api/v1/search/dictionaries/synonyms': reads(any, '/api/v1/search/dictionaries/synonyms'),
      'PUT /api/v1/search/dictionaries/synonyms': {
        allowed: can('refManage'),
        ok: [200],
        run: as('PUT', '/api/v1/search/dictionaries/synonyms', { text: '矩阵 矩阵测试\n' }),
      },
      'GET /api/v1/search/dictionaries/chains': reads(any, '/api/v1/search/dictionaries/chains'),
      'GET /api/v1/search/rebuild': reads(can('systemRead'), '/api/v1/search/rebuild'),
      'POST /api/v1/search/rebuild': {
        allowed: can('systemManage'),
        ok: [202],
        // Waited for, so that the next case meets the index as it is, not in the middle of a switch.
        run: async (p) => {
          const res = await inject('POST', '/api/v1/search/rebuild', p.authorization);
          await ctx.services.searchRebuilder.idle();
          return res;
        },
      },
      'PUT /api/v1/search/dictionaries/chains': {
        allowed: can('refManage'),
        ok: [200],
        run: as('PUT', '/api/v1/search/dictionaries/chains', { chains: [] }),
      },
      'GET /api/v1/fonds': reads(any, '/api/v1/fonds'),
      'POST /api/v1/fonds': {
        allowed: can('refManage'),
        ok: [201],
        run: (p) =>
          inject('POST', '/api/v1/fonds', p.authorization, {
            code: `F${unique()}`,
            name: '矩阵全宗',
            organisation: 'HM',
          }),
      },
      'GET /api/v1/categories': reads(any, '/api/v1/categories'),
      'GET /api/v1/categories/{category}/classes': reads(any, '/api/v1/categories/SP/classes'),
      'POST /api/v1/categories/{category}/classes': {
        allowed: can('refManage'),
        ok: [201],
        run: (p) =>
          inject('POST', '/api/v1/categories/SP/classes', p.authorization, {
            code: `C${unique()}`,
            name: '矩阵类目',
          }),
      },
      'GET /api/v1/vocabularies': reads(any, '/api/v1/vocabularies'),
      'GET /api/v1/records': reads(can('read'), '/api/v1/records'),
      'POST /api/v1/records': {
        allowed: can('create'),
        ok: [201],
        run: async (p) => {
          const title = `新档案 ${n}`;
          const res = await uploadRecord(
            ctx.app,
            p.authorization,
            { name: `new-${unique()}.txt`, content: `${title}\n` },
            { title, level: 'public', organisation: p.org },
          );
          // A record of the world from now on: the searches of later cases may find it (its
          // organisation's name, "HM 机构", is indexed with it) and must be told whether they may.
          if (res.statusCode === 201)
            world.records.push({
              id: res.json<{ recordId: string }>().recordId,
              org: p.org,
              level: 'public',
              title,
              archiveNo: null,
            });
          return res;
        },
      },
      'GET /api/v1/ledger/checkpoint': reads(any, '/api/v1/ledger/checkpoint'),
      'GET /api/v1/search': reads(can('read'), `/api/v1/search?q=${encodeURIComponent('许可')}`),
      'GET /api/v1/classify/review': reads(can('update'), '/api/v1/classify/review?limit=200'),
      'POST /api/v1/classify/train': {
        allowed: can('file'),
        ok: [202],
        run: as('POST', '/api/v1/classify/train'),
      },
      'GET /api/v1/classify/models': reads(can('file'), '/api/v1/classify/models'),
      'POST /api/v1/classify/models/{version}/activate': {
        allowed: can('file'),
        // 404 (classify.*) while no model has been trained yet
        ok: [204, 404],
        run: async (p) => {
          const { rows } = await ctx.services.db.query<{ v: number | null }>(
            'SELECT max(version) AS v FROM classify_models WHERE bytes > 0',
          );
          return inject('POST', `/api/v1/classify/models/${rows[0]?.v ?? 1}/activate`, p.authorization);
        },
      },
      // Key management is the security officer's alone (三员分立): not the administrator's.
      'GET /api/v1/keys': reads(can('keyManage'), '/api/v1/keys'),
      'POST /api/v1/keys/rotate': {
        allowed: can('keyManage'),
        ok: [200],
        run: as('POST', '/api/v1/keys/rotate', { level: 'public' }),
      },
      'POST /api/v1/keys/shred': {
        allowed: can('keyManage'),
        ok: [200],
        run: async (p) => {
          // A key manager shreds a record made for it; anyone else tries a record of the world.
          let id = world.records[0]!.id;
          if (granted(p, 'keyManage')) {
            const archivist = principal('m-arch-root');
            const made = await uploadRecord(
              ctx.app,
              archivist.authorization,
              { name: `shred-${unique()}.txt`, content: `待销毁 ${n}\n` },
              { title: `待销毁 ${n}`, level: 'public', organisation: 'SPJ' },
            );
            id = made.json<{ record: { id: string } }>().record.id;
          }
          return inject('POST', '/api/v1/keys/shred', p.authorization, { record: id });
        },
      },
      // Holder protection: CA, certificates and holders are the security officer's; /keys/me is
      // every signed-in user's own key and nobody else's.
      'GET /api/v1/keys/ca': reads(can('keyManage'), '/api/v1/keys/ca'),
      'POST /api/v1/keys/ca': {
        allowed: can('keyManage'),
        ok: [200, 409],
        run: as('POST', '/api/v1/keys/ca', {}),
      },
      'POST /api/v1/keys/ca/trusted': {
        allowed: can('keyManage'),
        ok: [422],
        run: as('POST', '/api/v1/keys/ca/trusted', {
          pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
        }),
      },
      'GET /api/v1/keys/certs': reads(can('keyManage'), '/api/v1/keys/certs'),
      'POST /api/v1/keys/certs/import': {
        allowed: can('keyManage'),
        ok: [422],
        run: (p) =>
          inject('POST', '/api/v1/keys/certs/import', p.authorization, {
            username: victim(),
            pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
          }),
      },
      'POST /api/v1/keys/certs/{id}/revoke': {
        allowed: can('keyManage'),
        ok: [404],
        run: as('POST', '/api/v1/keys/certs/00000000-0000-4000-8000-000000000000/revoke', {}),
      },
      'GET /api/v1/keys/holders': reads(can('keyManage'), '/api/v1/keys/holders'),
      'POST /api/v1/keys/holders': {
        allowed: can('keyManage'),
        ok: [422],
        run: (p) =>
          inject('POST', '/api/v1/keys/holders', p.authorization, { username: victim(), level: 'public' }),
      },
      'POST /api/v1/keys/holders/revoke': {
        allowed: can('keyManage'),
        ok: [404],
        run: (p) =>
          inject('POST', '/api/v1/keys/holders/revoke', p.authorization, {
            username: victim(),
            level: 'sensitive',
          }),
      },
      'GET /api/v1/keys/me': reads(any, '/api/v1/keys/me'),
      'POST /api/v1/keys/me': {
        allowed: any,
        // 409 key.ca_missing until a security officer has created the CA
        ok: [200, 409],
        run: as('POST', '/api/v1/keys/me', { algorithm: 'ecdh-p256', passphrase: '矩阵持有人长口令 2026' }),
      },
      'POST /api/v1/keys/me/unlock': {
        allowed: any,
        ok: [200, 422],
        run: as('POST', '/api/v1/keys/me/unlock', { passphrase: '矩阵持有人长口令 2026', minutes: 1 }),
      },
      'POST /api/v1/keys/me/lock': { allowed: any, ok: [200], run: as('POST', '/api/v1/keys/me/lock') },
      'POST /api/v1/keys/me/share': {
        allowed: any,
        ok: [200, 409],
        run: as('POST', '/api/v1/keys/me/share'),
      },
    };
  }
});
