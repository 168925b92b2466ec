/**
 * The world the search API tests start from: two districts (XC, HM) under the city, an archivist
 * of the city, an officer of each district, a reader cleared only for public records, and three
 * records that all mention 施工许可证 — a public permit of XC, a sensitive list of shareholders of
 * the city, a public record of HM. Each test file builds its own, so files do not depend on each
 * other's order.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { SearchHitView } from '../src/modules/search/search.usecases.ts';
import { createSignedInUser, createTestContext, signIn, uploadRecord } from './helpers.ts';

export interface SearchBody {
  total: number;
  totalExact: boolean;
  hits: SearchHitView[];
  facets: Record<string, { value: string; label?: string; count: number }[]>;
}

export type SearchWorld = Awaited<ReturnType<typeof createSearchWorld>>;

/**
 * Builds the world before the tests of the calling describe block and closes it after them; the
 * object returned is filled in once `before` has run.
 */
export function useSearchWorld(): SearchWorld {
  const world = {} as SearchWorld;
  before(async () => {
    Object.assign(world, await createSearchWorld());
  });
  after(async () => world.ctx.close());
  return world;
}

async function createSearchWorld() {
  const ctx = await createTestContext();

  const upload = async (auth: string, name: string, content: string, metadata: Record<string, unknown>) => {
    const res = await uploadRecord(ctx.app, auth, { name, content }, metadata);
    assert.equal(res.statusCode, 201, res.body);
    return res.json<{ record: { id: string } }>().record.id;
  };

  const search = async (auth: string, query: Record<string, string>) => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/search?${new URLSearchParams(query).toString()}`,
      headers: { authorization: auth },
    });
    return res;
  };
  const hitsOf = async (auth: string, q: string, extra: Record<string, string> = {}) => {
    const res = await search(auth, { q, ...extra });
    assert.equal(res.statusCode, 200, res.body);
    return res.json<SearchBody>();
  };
  const settle = async () => {
    const workers = ctx.services.startJobWorkers();
    await workers.idle();
  };

  const admin = (await signIn(ctx.app, 'admin', ctx.adminPassword)).authorization;
  const archivist = await createSignedInUser(ctx, admin, {
    username: 'archivist1',
    roles: ['archivist'],
    clearance: 'sensitive',
  });
  for (const [code, name] of [
    ['XC', '新城区行政审批局'],
    ['HM', '回民区行政审批局'],
  ] as const) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: admin },
      payload: { code, name, level: 'district', parent: 'SPJ' },
    });
    assert.equal(res.statusCode, 201, res.body);
  }
  const xcOfficer = await createSignedInUser(ctx, admin, {
    username: 'xc-officer',
    roles: ['officer'],
    organisation: 'XC',
    clearance: 'internal',
  });
  const hmOfficer = await createSignedInUser(ctx, admin, {
    username: 'hm-officer',
    roles: ['officer'],
    organisation: 'HM',
    clearance: 'sensitive',
  });
  const publicReader = await createSignedInUser(ctx, admin, {
    username: 'reader-public',
    roles: ['reader'],
    clearance: 'public',
  });
  const ids: Record<string, string> = {};
  ids.permit = await upload(
    xcOfficer,
    '施工许可证批复.txt',
    '经审查，新城区某住宅项目符合建筑工程施工许可条件，准予核发建筑工程施工许可证。\n',
    {
      title: '关于新城区某住宅项目建筑工程施工许可证的批复',
      docNumber: '呼审批发〔2024〕17号',
      level: 'public',
      formedOn: '2024-03-02',
      keywords: ['施工许可'],
    },
  );
  ids.secret = await upload(archivist, '股东名册.txt', '某企业股东名册及出资比例，施工许可证申请附件。\n', {
    title: '某企业股东名册（敏感）施工许可证附件',
    level: 'sensitive',
    docNumber: '呼审批发〔2024〕99号',
  });
  ids.neighbour = await upload(hmOfficer, '回民区.txt', '回民区施工许可证发放情况统计。\n', {
    title: '回民区施工许可证发放情况',
    level: 'public',
    docNumber: '回审批发〔2023〕5号',
  });
  await settle();

  return { ctx, admin, archivist, xcOfficer, hmOfficer, publicReader, ids, upload, search, hitsOf, settle };
}
