/**
 * The blob totals of the status page (migration 0017) equal what the blobs table holds: after the
 * migration on a database that already had blobs, and after blobs are added, removed or changed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../src/db/database.port.ts';
import { migrate } from '../src/db/migrate.ts';
import { createTestDatabaseBefore, type TestDatabase } from '../src/db/testing.ts';

const hash = (n: number, first: string) => `${first}${n.toString(16).padStart(63, '0')}`;

async function totals(db: Database) {
  const { rows } = await db.query<{ kept: string; counted: string }>(
    `SELECT (SELECT json_build_array(sum(blobs), sum(bytes), sum(stored_bytes)) FROM blob_totals)::text AS kept,
            (SELECT json_build_array(count(*), coalesce(sum(size), 0), coalesce(sum(stored_size), 0)) FROM blobs)::text AS counted`,
  );
  return rows[0]!;
}

async function addBlobs(db: Database, from: number, count: number) {
  await db.query(
    `INSERT INTO blobs (sha256, sm3, size, stored_size)
     SELECT substr('0123456789abcdef', 1 + g % 16, 1) || lpad(to_hex(g), 63, '0'), repeat('a', 64), 1000 + g, 1100 + g
       FROM generate_series($1::int, $2::int) g`,
    [from, from + count - 1],
  );
}

describe('blob totals', () => {
  let db: TestDatabase;
  before(async () => {
    // A database as it was before migration 0017, with blobs in it.
    db = await createTestDatabaseBefore(17);
    await addBlobs(db, 1, 500);
  });
  after(async () => {
    await db[Symbol.asyncDispose]();
  });

  it('starts from the blobs already stored and follows every insert, delete and change', async () => {
    const { applied } = await migrate(db);
    assert.ok(
      applied.some((id) => id.startsWith('0017_')),
      applied.join(', '),
    );
    let { kept, counted } = await totals(db);
    assert.equal(kept, counted);
    assert.equal(JSON.parse(kept)[0], 500);

    await addBlobs(db, 501, 300);
    await db.query(`DELETE FROM blobs WHERE size % 7 = 0`);
    // A change of size, and of hash (another shard), as a repair by hand might make.
    await db.query(`UPDATE blobs SET size = size + 5, stored_size = stored_size - 3 WHERE size % 11 = 0`);
    await db.query(`UPDATE blobs SET sha256 = $1 WHERE sha256 = $2`, [hash(9999, 'f'), hash(2, '2')]);
    // A transaction that fails changes nothing.
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query(`DELETE FROM blobs WHERE size < 1200`);
        throw new Error('rolled back');
      }),
    );
    ({ kept, counted } = await totals(db));
    assert.equal(kept, counted);
    assert.ok(JSON.parse(kept)[0] > 600, kept);
  });
});
