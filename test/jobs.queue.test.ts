/**
 * The job queue at scale: a claim, the release of a dead process's jobs and the counts read the
 * open and failed jobs only, never the finished ones that fill the table over the years.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database, QueryOptions } from '../src/db/database.port.ts';
import { createTestDatabase, type TestDatabase } from '../src/db/testing.ts';
import { claim, enqueue, jobCounts, releaseDead } from '../src/modules/jobs/jobs.queue.ts';

/** The database as it is, with each statement it is given written down. */
function recording(db: Database): {
  db: Database;
  statements: { sql: string; params: readonly unknown[] }[];
} {
  const statements: { sql: string; params: readonly unknown[] }[] = [];
  return {
    statements,
    db: {
      ...db,
      query: <Row>(sql: string, params: readonly unknown[] = [], options?: QueryOptions) => {
        statements.push({ sql, params });
        return db.query<Row>(sql, params, options);
      },
    },
  };
}

/** The scans of the jobs table in a statement's plan: [node type, index, index condition] of each. */
async function scans(db: Database, sql: string, params: readonly unknown[]): Promise<string[][]> {
  const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
  const found: string[][] = [];
  const walk = (node: Record<string, unknown>) => {
    if (node['Relation Name'] === 'jobs')
      found.push([node['Node Type'], node['Index Name'] ?? '', node['Index Cond'] ?? ''] as string[]);
    for (const child of (node['Plans'] as Record<string, unknown>[] | undefined) ?? []) walk(child);
  };
  const plan = rows[0]!['QUERY PLAN'];
  walk((Array.isArray(plan) ? plan : JSON.parse(String(plan)))[0].Plan);
  return found;
}

describe('job queue at scale', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
    // Years of work: 200,000 finished jobs, the last 50 of them today, the rest a week old.
    await db.query(
      `INSERT INTO jobs (kind, state, attempts, finished_at, created_at)
       SELECT (ARRAY['extract_text', 'classify', 'search_sync'])[1 + g % 3], 'done', 1,
              now() - CASE WHEN g > 199950 THEN interval '1 hour' ELSE interval '7 days' END,
              now() - interval '7 days'
         FROM generate_series(1, 200000) g`,
    );
    await db.query(
      `INSERT INTO jobs (kind, state, attempts, last_error, finished_at) VALUES ('ocr', 'failed', 5, 'x', now())`,
    );
    await db.query('VACUUM (ANALYZE) jobs');
  });
  after(async () => db[Symbol.asyncDispose]());

  it('claims without reading the finished jobs, oldest ready first, an expired lease too', async () => {
    const later = await enqueue(db, { kind: 'classify' });
    await db.query(`UPDATE jobs SET run_after = now() + interval '1 hour' WHERE id = $1`, [later]);
    const first = await enqueue(db, { kind: 'extract_text' });
    const second = await enqueue(db, { kind: 'classify' });
    const rec = recording(db);
    const taken = await claim(rec.db, 'test:1:a', ['extract_text', 'classify'], 60);
    assert.equal(taken?.id, first);
    const statement = rec.statements.at(-1)!;
    const plan = await scans(db, statement.sql, statement.params);
    assert.ok(plan.length > 0, 'the plan reads the jobs table');
    for (const [type, index, condition = ''] of plan) {
      assert.notEqual(type, 'Seq Scan', `claim reads every job: ${JSON.stringify(plan)}`);
      // The update finds the job it took by its id; walking the key in order is reading them all.
      if (index === 'jobs_pkey')
        assert.match(condition, /id =/, `claim walks every job: ${JSON.stringify(plan)}`);
    }
    // A worker that died holding a job: once its lease has run out the job is taken again, before
    // a younger one.
    await db.query(`UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = $1`, [first]);
    assert.equal((await claim(db, 'test:2:b', ['extract_text', 'classify'], 60))?.id, first);
    assert.equal((await claim(db, 'test:2:b', ['extract_text', 'classify'], 60))?.id, second);
    // The one waiting for its time is not taken, nor a kind not asked for.
    assert.equal(await claim(db, 'test:2:b', ['extract_text', 'classify', 'ocr'], 60), null);
  });

  it('counts queued, running and failed jobs and those done in the last day, without reading the rest', async () => {
    const rec = recording(db);
    const counts = await jobCounts(rec.db);
    // From the test above: one waiting, two running; one failed; 50 done in the last day.
    assert.deepEqual(counts, { queued: 1, running: 2, failed: 1, doneLastDay: 50 });
    const statement = rec.statements.at(-1)!;
    for (const [type, index] of await scans(db, statement.sql, statement.params)) {
      assert.notEqual(type, 'Seq Scan', 'the counts read every job');
      assert.notEqual(index, 'jobs_pkey', 'the counts read every job');
    }
    const released = await releaseDead(rec.db, (owner) => owner === 'test:2:b');
    assert.equal(released, 2);
    const release = rec.statements.find((s) => s.sql.includes('DISTINCT locked_by'))!;
    for (const [type] of await scans(db, release.sql, release.params))
      assert.notEqual(type, 'Seq Scan', 'looking for dead workers reads every job');
    assert.deepEqual(await jobCounts(db), { queued: 3, failed: 1, doneLastDay: 50 });
  });
});
