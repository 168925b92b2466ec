/**
 * The record counts the record list, home and status pages add up (migration 0018) equal what the
 * records table holds: after the migration on a database that already had records, after records
 * are added, removed or changed, and as each reader may see them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../src/db/database.port.ts';
import { migrate } from '../src/db/migrate.ts';
import { createTestDatabaseBefore, type TestDatabase } from '../src/db/testing.ts';
import { recordVisibility, type Actor } from '../src/modules/access/access.policy.ts';
import { countVisibleRecords, listVisibleRecords } from '../src/modules/records/records.repository.ts';

const ORG = {
  city: '00000000-0000-4000-8000-00000000c001',
  xc: '00000000-0000-4000-8000-00000000c002',
  hm: '00000000-0000-4000-8000-00000000c003',
};
const FONDS = '00000000-0000-4000-8000-00000000f001';
const WS = '00000000-0000-4000-8000-000000000101';
const JJ = '00000000-0000-4000-8000-000000000102';

/** Combinations whose kept count differs from the records': none when the counts are right. */
async function mismatches(db: Database) {
  const { rows } = await db.query<{ key: string; kept: string | null; counted: string | null }>(
    `WITH kept AS (
       SELECT organisation_id, secrecy_level, status, fonds_id, category_id, coalesce(year, 0) AS year, sum(n) AS n
         FROM record_counts GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0),
     counted AS (
       SELECT organisation_id, secrecy_level, status, fonds_id, category_id, coalesce(year, 0) AS year, count(*) AS n
         FROM records GROUP BY 1, 2, 3, 4, 5, 6)
     SELECT concat_ws(' ', organisation_id, secrecy_level, status, category_id, year) AS key,
            kept.n::text AS kept, counted.n::text AS counted
       FROM kept FULL JOIN counted USING (organisation_id, secrecy_level, status, fonds_id, category_id, year)
      WHERE kept.n IS DISTINCT FROM counted.n`,
  );
  return rows;
}

async function addRecords(db: Database, from: number, count: number) {
  // Drafts and filed records across two districts, three levels, two categories and four years.
  await db.query(
    `INSERT INTO records (id, status, fonds_id, category_id, organisation_id, title, year, secrecy_level,
                          retention_code, archive_no, item_no, filed_at, created_by)
     SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid,
            CASE WHEN g % 3 = 0 THEN 'filed' ELSE 'draft' END,
            $3::uuid, CASE WHEN g % 2 = 0 THEN $4::uuid ELSE $5::uuid END,
            CASE WHEN g % 5 < 3 THEN $6::uuid ELSE $7::uuid END,
            '文件' || g, 2020 + g % 4, (ARRAY['public', 'internal', 'secret'])[1 + g % 3],
            'D30', CASE WHEN g % 3 = 0 THEN 'A-' || g END, CASE WHEN g % 3 = 0 THEN g END,
            CASE WHEN g % 3 = 0 THEN now() END, 'test'
       FROM generate_series($1::int, $2::int) g`,
    [from, from + count - 1, FONDS, WS, JJ, ORG.xc, ORG.hm],
  );
}

const reader = (organisationPath: string, clearanceRank: number): Actor => ({
  kind: 'user',
  userId: null,
  label: 'user:test',
  roles: ['archivist'],
  clearanceRank,
  organisationPath,
});

describe('record counts', () => {
  let db: TestDatabase;
  before(async () => {
    // A database as it was before migration 0018, with records in it.
    db = await createTestDatabaseBefore(18);
    await db.query(
      `INSERT INTO secrecy_levels (code, name_zh, name_en, rank) VALUES
         ('public', '公开', 'Public', 0), ('internal', '内部', 'Internal', 1), ('secret', '秘密', 'Secret', 2)`,
    );
    await db.query(
      `INSERT INTO organisations (id, parent_id, code, name, level, path) VALUES
         ($1, NULL, 'CITY', '市局', 'city', '/city/'),
         ($2, $1, 'XC', '新城区', 'district', '/city/xc/'),
         ($3, $1, 'HM', '回民区', 'district', '/city/hm/')`,
      [ORG.city, ORG.xc, ORG.hm],
    );
    await db.query(`INSERT INTO fonds (id, code, name, organisation_id) VALUES ($1, 'F001', '全宗', $2)`, [
      FONDS,
      ORG.city,
    ]);
    await addRecords(db, 1, 600);
  });
  after(async () => {
    await db[Symbol.asyncDispose]();
  });

  it('starts from the records already there and follows every insert, delete and change', async () => {
    const { applied } = await migrate(db);
    assert.ok(
      applied.some((id) => id.startsWith('0018_')),
      applied.join(', '),
    );
    assert.deepEqual(await mismatches(db), []);
    const kept = await db.query<{ n: string }>('SELECT sum(n)::text AS n FROM record_counts');
    assert.equal(kept.rows[0]!.n, '600');

    await addRecords(db, 601, 300);
    await db.query(`DELETE FROM records WHERE title LIKE '%7'`);
    // Each counted column changed (a district moved, re-levelled, filed, re-dated, re-categorised).
    await db.query(`UPDATE records SET organisation_id = $1 WHERE title LIKE '%1'`, [ORG.hm]);
    await db.query(`UPDATE records SET secrecy_level = 'public' WHERE title LIKE '%2'`);
    await db.query(
      `UPDATE records SET status = 'filed', archive_no = 'B-' || id, item_no = 100000 + right(id::text, 6)::int, filed_at = now()
        WHERE status = 'draft' AND title LIKE '%4'`,
    );
    await db.query(`UPDATE records SET year = NULL WHERE status = 'draft' AND title LIKE '%5'`);
    await db.query(`UPDATE records SET category_id = $1, year = 2030 WHERE title LIKE '%6'`, [WS]);
    // A change of no counted column, and a transaction that fails, change nothing.
    await db.query(`UPDATE records SET title = title || '（补）' WHERE title LIKE '%8'`);
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(`DELETE FROM records WHERE title LIKE '%3'`);
        await tx.query(`UPDATE records SET secrecy_level = 'secret' WHERE title LIKE '%9'`);
        throw new Error('rolled back');
      }),
    );
    assert.deepEqual(await mismatches(db), []);

    // What each reader is told equals counting the records they may see, with and without filters.
    for (const actor of [
      reader('/city/', 2),
      reader('/city/', 0),
      reader('/city/xc/', 1),
      reader('/city/hm/', 2),
    ]) {
      const params: unknown[] = [];
      const visible = recordVisibility(actor, 'r', params);
      const { rows } = await db.query<{ draft: number; filed: number; ws2021: number }>(
        `SELECT count(*) FILTER (WHERE r.status = 'draft')::int AS draft,
                count(*) FILTER (WHERE r.status = 'filed')::int AS filed,
                count(*) FILTER (WHERE r.category_id = '${WS}' AND r.year = 2021)::int AS ws2021
           FROM records r WHERE ${visible}`,
        params,
      );
      const counted = rows[0]!;
      assert.deepEqual(await countVisibleRecords(db, actor), { draft: counted.draft, filed: counted.filed });
      const listed = await listVisibleRecords(db, actor, { category: 'WS', year: 2021 }, { limit: 5 });
      assert.equal(listed.total, counted.ws2021, actor.organisationPath);
    }
    await db.query('TRUNCATE records CASCADE');
    assert.deepEqual(await mismatches(db), []);
  });
});
