/**
 * Similar and related records through the real API: more like this, the approval chain of a project,
 * identifiers found in the text, and never a linked record the reader may not open.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SearchBody, useSearchWorld } from './search.fixture.ts';

describe('search API: similar and related records', () => {
  const w = useSearchWorld();

  it('shows more records like a given one, never one the reader may not open', async () => {
    const res = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${w.ids.permit}/similar`,
      headers: { authorization: w.publicReader },
    });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<SearchBody>();
    assert.ok(!body.hits.some((h) => h.id === w.ids.permit), 'not the record itself');
    assert.ok(!body.hits.some((h) => h.id === w.ids.secret));
    const forArchivist = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${w.ids.permit}/similar`,
      headers: { authorization: w.archivist },
    });
    assert.ok(forArchivist.json<SearchBody>().hits.some((h) => h.id === w.ids.secret));
    const hidden = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${w.ids.secret}/similar`,
      headers: { authorization: w.publicReader },
    });
    assert.equal(hidden.statusCode, 404);
  });

  it('links the records of one project along the approval chain, hiding those the reader may not open', async () => {
    const project = { projectCode: '2024-150102-47-01-000123', creditCode: '91150100MA0N2XYH3K' };
    const step = async (title: string, matterType: string, level: string) =>
      w.upload(w.archivist, `${matterType}.txt`, `${title}。\n`, {
        title,
        level,
        category: 'SP',
        extra: { matterType, applicant: '某建设集团有限公司', ...project },
      });
    const site = await step('某住宅项目用地预审与选址意见书', '用地预审与选址意见书', 'public');
    const planning = await step('某住宅项目建设工程规划许可证', '建设工程规划许可证', 'public');
    const works = await step('某住宅项目建筑工程施工许可证', '建筑工程施工许可证', 'public');
    const completion = await step('某住宅项目竣工验收备案', '竣工验收备案', 'sensitive');
    const res = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${works}/related`,
      headers: { authorization: w.archivist },
    });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json<{
      record: { step: string };
      chain: { steps: string[] } | null;
      related: { id: string; direction: string | null; links: string[] }[];
    }>();
    assert.equal(view.record.step, '建筑工程施工许可证');
    assert.equal(view.chain?.steps.length, 5);
    assert.deepEqual(
      view.related.map((r) => [r.id, r.direction]),
      [
        [site, 'upstream'],
        [planning, 'upstream'],
        [completion, 'downstream'],
      ],
    );
    assert.ok(view.related.every((r) => r.links.includes('project') && r.links.includes('enterprise')));
    const reader = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${works}/related`,
      headers: { authorization: w.publicReader },
    });
    assert.ok(!reader.json<{ related: { id: string }[] }>().related.some((r) => r.id === completion));
    const hidden = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${completion}/related`,
      headers: { authorization: w.publicReader },
    });
    assert.equal(hidden.statusCode, 404);

    // A search whose first hit stands in the chain shows the chain beside it.
    await w.settle();
    type ChainHit = { id: string; related?: { chain: string; step: string; records: { id: string }[] } };
    const searched = (await w.hitsOf(w.archivist, '某住宅项目建筑工程施工许可证')).hits as ChainHit[];
    assert.equal(searched[0]?.id, works);
    assert.equal(searched[0]?.related?.step, '建筑工程施工许可证');
    assert.deepEqual(
      searched[0]?.related?.records.map((r) => r.id),
      [site, planning, completion],
    );
    assert.equal(searched[1]?.related, undefined, 'only the first hit carries the chain');
    const forReader = (await w.hitsOf(w.publicReader, '某住宅项目建筑工程施工许可证')).hits as ChainHit[];
    assert.equal(forReader[0]?.id, works);
    assert.deepEqual(
      forReader[0]?.related?.records.map((r) => r.id),
      [site, planning],
      'a chain step the reader may not open is not shown',
    );

    // A first hit without a matter type stands in the chain by its title, known once it is read.
    const land = await w.upload(w.archivist, 'land.txt', '某住宅项目建设用地规划许可证。\n', {
      title: '某住宅项目建设用地规划许可证',
      level: 'public',
      category: 'SP',
      extra: { applicant: '某建设集团有限公司', ...project },
    });
    await w.settle();
    const byTitle = (await w.hitsOf(w.archivist, '某住宅项目建设用地规划许可证')).hits as ChainHit[];
    assert.equal(byTitle[0]?.id, land);
    assert.equal(byTitle[0]?.related?.step, '建设用地规划许可证');
    assert.deepEqual(
      byTitle[0]?.related?.records.map((r) => r.id),
      [site, planning, works, completion],
    );
  });

  it('links records through identifiers found in their text, and finds them by those identifiers', async () => {
    const code = '2023-150104-47-01-000777';
    const given = await w.upload(w.archivist, '规划许可.txt', '某物流园建设工程规划许可证。\n', {
      title: '某物流园建设工程规划许可证',
      level: 'public',
      category: 'SP',
      extra: { matterType: '建设工程规划许可证', projectCode: code },
    });
    // No project code in its metadata: only in the text (full-width, as typed in Word).
    const inText = await w.upload(
      w.archivist,
      '施工许可.txt',
      '关于某物流园建筑工程施工许可的批复\n项目代码：２０２３－１５０１０４－４７－０１－０００７７７\n经审查，准予施工。\n',
      {
        title: '某物流园建筑工程施工许可证',
        level: 'public',
        category: 'SP',
        extra: { matterType: '建筑工程施工许可证' },
      },
    );
    await w.settle();
    const res = await w.ctx.app.inject({
      method: 'GET',
      url: `/api/v1/records/${given}/related`,
      headers: { authorization: w.publicReader },
    });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json<{ related: { id: string; links: string[]; direction: string | null }[] }>();
    const linked = view.related.find((r) => r.id === inText);
    assert.ok(linked, 'the record whose text names the project is related');
    assert.deepEqual(linked.links, ['project']);
    assert.equal(linked.direction, 'downstream');
    const byCode = await w.hitsOf(w.publicReader, code);
    assert.deepEqual(
      byCode.hits
        .filter((h) => h.exact)
        .map((h) => h.id)
        .sort(),
      [given, inText].sort(),
      'the code found in the text is an exact identifier of the record',
    );
  });

  it('never shows a linked record of another district, in the related list or beside a hit', async () => {
    const project = { projectCode: '2024-150102-47-01-000555', applicant: '某仓储有限公司' };
    const step = async (auth: string, title: string, matterType: string) =>
      w.upload(auth, `${matterType}.txt`, `${title}。\n`, {
        title,
        level: 'public',
        category: 'SP',
        extra: { matterType, ...project },
      });
    const planning = await step(w.hmOfficer, '某仓储中心建设工程规划许可证', '建设工程规划许可证');
    const works = await step(w.xcOfficer, '某仓储中心建筑工程施工许可证', '建筑工程施工许可证');
    const completion = await step(w.archivist, '某仓储中心竣工验收备案', '竣工验收备案');
    await w.settle();
    const related = (auth: string) =>
      w.ctx.app.inject({
        method: 'GET',
        url: `/api/v1/records/${works}/related`,
        headers: { authorization: auth },
      });
    type View = { related: { id: string; direction: string | null }[] };
    const all = await related(w.archivist);
    assert.equal(all.statusCode, 200, all.body);
    assert.deepEqual(
      all.json<View>().related.map((r) => [r.id, r.direction]),
      [
        [planning, 'upstream'],
        [completion, 'downstream'],
      ],
    );
    const own = await related(w.xcOfficer);
    assert.equal(own.statusCode, 200, own.body);
    assert.deepEqual(own.json<View>().related, [], 'records of the city and of Huimin stay out of sight');
    assert.equal((await related(w.hmOfficer)).statusCode, 404, 'a record of another district is not there');

    type ChainHit = { id: string; related?: { records: { id: string }[] } };
    const forCity = (await w.hitsOf(w.archivist, '某仓储中心建筑工程施工许可证')).hits as ChainHit[];
    assert.equal(forCity[0]?.id, works);
    assert.deepEqual(
      forCity[0]?.related?.records.map((r) => r.id),
      [planning, completion],
    );
    const forDistrict = (await w.hitsOf(w.xcOfficer, '某仓储中心建筑工程施工许可证')).hits as ChainHit[];
    assert.equal(forDistrict[0]?.id, works);
    assert.ok(!forDistrict.some((h) => h.id === planning || h.id === completion));
    assert.equal(forDistrict[0]?.related, undefined, 'no chain of records the officer may not open');
  });
});
