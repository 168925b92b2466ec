import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createLogger } from '../app/logger.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';
import { CHURNING_TABLES, startUpkeep } from './upkeep.ts';

const log = createLogger('silent');

const pages = async (db: TestDatabase, table: string) =>
  Number(
    (await db.query<{ pages: string }>(`SELECT pg_relation_size($1::regclass) / 8192 AS pages`, [table]))
      .rows[0]!.pages,
  );

/** Rows written and deleted as the search outbox sees them: one per change, gone once indexed. */
async function churn(db: TestDatabase, rows: number): Promise<void> {
  await db.query(
    `INSERT INTO search_pending (record_id) SELECT gen_random_uuid() FROM generate_series(1, $1)`,
    [rows],
  );
  await db.query('DELETE FROM search_pending');
}

describe('embedded database upkeep', () => {
  test('names tables the schema has', async () => {
    await using db = await createTestDatabase();
    for (const table of CHURNING_TABLES) assert.ok((await pages(db, table)) >= 0, table);
  });

  test('an emptied outbox shrinks back when vacuumed', async () => {
    await using db = await createTestDatabase();
    const upkeep = startUpkeep(db, { log });
    await churn(db, 20_000);
    const before = await pages(db, 'search_pending');
    assert.ok(before > 50, `20,000 deleted rows leave their pages behind (${before})`);
    await upkeep.churned();
    assert.ok((await pages(db, 'search_pending')) <= 1, 'vacuumed, the empty table is empty on disk');
    await upkeep.stop();
  });

  test('vacuums on its own timer, and once stopped does nothing more', async () => {
    await using db = await createTestDatabase();
    const upkeep = startUpkeep(db, { log, churnEveryMs: 50, firstFullAfterMs: 60_000 });
    await churn(db, 10_000);
    let shrunk = false;
    for (let i = 0; i < 100 && !shrunk; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      shrunk = (await pages(db, 'search_pending')) <= 1;
    }
    assert.ok(shrunk, 'the timer vacuumed the outbox');
    await upkeep.stop();
    await churn(db, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok((await pages(db, 'search_pending')) > 20, 'no pass after stop()');
    assert.equal(await upkeep.churned(), 0);
  });

  test('the full pass gathers the planner statistics PGlite never gathers itself', async () => {
    await using db = await createTestDatabase();
    const analysed = async () =>
      (
        await db.query<{ last_analyze: Date | null }>(
          `SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'records'`,
        )
      ).rows[0]?.last_analyze ?? null;
    assert.equal(await analysed(), null);
    const upkeep = startUpkeep(db, { log, firstFullAfterMs: 10 });
    for (let i = 0; i < 100 && (await analysed()) === null; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.ok((await analysed()) instanceof Date, 'analysed shortly after start');
    await upkeep.stop();
  });
});
