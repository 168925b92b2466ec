/**
 * The contract's cases for statements an adapter prepares once and keeps (the PGlite worker per
 * SQL text, the PostgreSQL adapter per SQL text and pooled connection): the answers never depend on
 * what was prepared before — not after many runs, evictions, a schema change or a failed statement.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Database } from './database.port.ts';
import { DatabaseError } from './database.port.ts';

/** More distinct texts than either adapter keeps (PGlite 500, PostgreSQL 256 per connection). */
const MANY = 600;

export function statementContract(getDb: () => Database): void {
  describe('prepared statements', () => {
    let db: Database;
    before(async () => {
      db = getDb();
      await db.exec(`CREATE TABLE contract_ps (id int PRIMARY KEY, grp int NOT NULL, label text NOT NULL);
        INSERT INTO contract_ps
          SELECT i, CASE WHEN i <= 990 THEN 0 ELSE i - 990 END, 'label ' || i FROM generate_series(1, 1000) i;
        ANALYZE contract_ps;`);
    });

    test('one text run many times with different parameters answers each call for its own', async () => {
      // Skewed: group 0 holds 990 rows, groups 1–10 one each; past the fifth run a generic plan may serve.
      for (let round = 0; round < 3; round++) {
        for (const grp of [0, 3, 0, 10, 11, 1]) {
          const { rows } = await db.query<{ n: number; first: string | null }>(
            'SELECT count(*)::int AS n, min(label) AS first FROM contract_ps WHERE grp = $1',
            [grp],
          );
          const expected =
            grp === 0
              ? { n: 990, first: 'label 1' }
              : grp > 10
                ? { n: 0, first: null }
                : { n: 1, first: `label ${990 + grp}` };
          assert.deepEqual(rows, [expected], `group ${grp}, round ${round}`);
        }
      }
      for (let i = 0; i < 20; i++) {
        const { rows } = await db.query("SELECT $1::text || '-' || $2::int AS v, $3::int[] AS list", [
          `第${i}`,
          i * 7,
          [i, i + 1],
        ]);
        assert.deepEqual(rows, [{ v: `第${i}-${i * 7}`, list: [i, i + 1] }]);
      }
    });

    test(`${MANY} distinct texts (IN lists of 1 to ${MANY} values) are each right, and again after eviction`, async () => {
      const inList = (k: number) => {
        const ids = Array.from({ length: k }, (_, i) => i + 1);
        return {
          sql: `SELECT count(*)::int AS n, max(id) AS top FROM contract_ps WHERE id IN (${ids.map((i) => `$${i}`).join(', ')})`,
          ids,
        };
      };
      for (let k = 1; k <= MANY; k++) {
        const { sql, ids } = inList(k);
        const { rows } = await db.query(sql, ids);
        assert.deepEqual(rows, [{ n: k, top: k }], `${k} values`);
      }
      // The first ones were evicted long ago; run them again, and one of the last (kept) with other values.
      for (const k of [1, 2, 3, 250, MANY]) {
        const { sql, ids } = inList(k);
        const { rows } = await db.query(sql, ids);
        assert.deepEqual(rows, [{ n: k, top: k }], `${k} values, again`);
      }
      const { sql } = inList(MANY);
      const shifted = Array.from({ length: MANY }, (_, i) => i + 401);
      assert.deepEqual((await db.query(sql, shifted)).rows, [{ n: 600, top: 1000 }]);
    });

    test('a cached statement answers after ALTER TABLE changes a column it returns, on every connection', async () => {
      await db.exec(
        'CREATE TABLE contract_alter (id int PRIMARY KEY, v int NOT NULL); INSERT INTO contract_alter VALUES (1, 42), (2, 43);',
      );
      const one = 'SELECT v FROM contract_alter WHERE id = $1';
      const all = 'SELECT * FROM contract_alter WHERE id = $1';
      // Concurrent calls: a pool prepares them on several connections.
      const runBoth = async (id: number) => {
        const [a, b] = await Promise.all([db.query(one, [id]), db.query(all, [id])]);
        return { one: a.rows, all: b.rows };
      };
      const many = async (times: number) =>
        Promise.all(Array.from({ length: times }, (_, i) => runBoth((i % 2) + 1)));
      for (const result of await many(8)) assert.equal(typeof result.one[0]!['v'], 'number');

      await db.exec("ALTER TABLE contract_alter ALTER COLUMN v TYPE text USING 'v' || v");
      for (const result of await many(8)) {
        assert.match(result.one[0]!['v'] as string, /^v4[23]$/);
        assert.deepEqual(Object.keys(result.all[0]!), ['id', 'v']);
      }

      await db.query('ALTER TABLE contract_alter ADD COLUMN w int NOT NULL DEFAULT 7');
      for (const result of await many(8)) assert.deepEqual(Object.keys(result.all[0]!), ['id', 'v', 'w']);

      // Inside a transaction: used, changed by the transaction itself, used again.
      const inside = await db.transaction(async (tx) => {
        const before = (await tx.query(one, [1])).rows;
        await tx.exec('ALTER TABLE contract_alter ALTER COLUMN v TYPE int USING substr(v, 2)::int');
        const middle = (await tx.query(all, [1])).rows;
        await tx.query('ALTER TABLE contract_alter DROP COLUMN w');
        return { before, middle, after: (await tx.query(all, [1])).rows };
      });
      assert.deepEqual(inside, {
        before: [{ v: 'v42' }],
        middle: [{ id: 1, v: 42, w: 7 }],
        after: [{ id: 1, v: 42 }],
      });
      for (const result of await many(8)) {
        assert.equal(typeof result.one[0]!['v'], 'number');
        assert.deepEqual(Object.keys(result.all[0]!), ['id', 'v']);
      }
    });

    test('after failed statements inside a transaction, every statement is right again', async () => {
      const label = 'SELECT label FROM contract_ps WHERE id = $1';
      const divide = 'SELECT 10 / $1::int AS q';
      const byLabel = 'SELECT id FROM contract_ps WHERE label = $1 AND grp >= 0';
      assert.deepEqual((await db.query(label, [5])).rows, [{ label: 'label 5' }]);
      const seen: string[] = [];
      const code = (error: unknown) =>
        error instanceof DatabaseError ? (error.sqlState ?? '?') : String(error);
      await assert.rejects(
        db.transaction(async (tx) => {
          assert.deepEqual((await tx.query(label, [6])).rows, [{ label: 'label 6' }]);
          // prepared here, then fails when it runs
          await tx.query(divide, [0]).catch((error: unknown) => seen.push(code(error)));
          // the transaction is aborted: a new text cannot even be prepared, a kept one not run
          await tx.query(byLabel, ['label 7']).catch((error: unknown) => seen.push(code(error)));
          await tx.query(label, [7]).catch((error: unknown) => seen.push(code(error)));
        }),
        (error) => error instanceof DatabaseError && error.sqlState === '25P02',
      );
      assert.deepEqual(seen, ['22012', '25P02', '25P02']);
      assert.deepEqual((await db.query(divide, [2])).rows, [{ q: 5 }]);
      assert.deepEqual((await db.query(byLabel, ['label 7'])).rows, [{ id: 7 }]);
      assert.deepEqual((await db.query(label, [8])).rows, [{ label: 'label 8' }]);

      // A transaction rolled back after preparing statements; then used outside and in another one.
      const fresh = 'SELECT grp, label FROM contract_ps WHERE id = $1 AND label IS NOT NULL';
      const thrown = new Error('roll back');
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(fresh, [991]);
          throw thrown;
        }),
        (error) => error === thrown,
      );
      assert.deepEqual((await db.query(fresh, [992])).rows, [{ grp: 2, label: 'label 992' }]);
      const again = await db.transaction(async (tx) => (await tx.query(fresh, [993])).rows);
      assert.deepEqual(again, [{ grp: 3, label: 'label 993' }]);
    });

    test('a statement that failed to prepare (missing table) runs once the table exists', async () => {
      const sql = 'SELECT n FROM contract_later WHERE n > $1 ORDER BY n';
      await assert.rejects(
        db.query(sql, [0]),
        (error) => error instanceof DatabaseError && error.sqlState === '42P01',
      );
      await db.exec('CREATE TABLE contract_later (n int); INSERT INTO contract_later VALUES (1), (2), (3);');
      assert.deepEqual((await db.query(sql, [1])).rows, [{ n: 2 }, { n: 3 }]);
      assert.deepEqual((await db.query(sql, [2])).rows, [{ n: 3 }]);
    });
  });
}
