/**
 * The durable job queue, kept in the database so that a job is queued in the same transaction as
 * the record that needs it and survives restarts. Workers claim with FOR UPDATE SKIP LOCKED under a
 * lease; a job whose worker died is claimed again once its lease has run out.
 */
import type { Queryable } from '../../db/database.port.ts';

export interface JobRow {
  id: string;
  kind: string;
  record_id: string | null;
  payload: Record<string, unknown>;
  state: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export async function enqueue(
  db: Queryable,
  job: { kind: string; recordId?: string | null; payload?: Record<string, unknown>; maxAttempts?: number },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO jobs (kind, record_id, payload, state, max_attempts) VALUES ($1, $2, $3, 'queued', $4) RETURNING id::text`,
    [job.kind, job.recordId ?? null, JSON.stringify(job.payload ?? {}), job.maxAttempts ?? 5],
  );
  return rows[0]!.id;
}

/**
 * Takes the oldest ready job of the given kinds, or a running one whose lease expired. The open
 * jobs are walked in order (index jobs_open), never the done ones: they are nearly all of the table.
 */
export async function claim(
  db: Queryable,
  owner: string,
  kinds: readonly string[],
  leaseSeconds: number,
): Promise<JobRow | null> {
  const { rows } = await db.query<JobRow>(
    `UPDATE jobs SET state = 'running', locked_by = $1, lease_until = now() + make_interval(secs => $2),
            attempts = attempts + 1
      WHERE id = (
        SELECT id FROM jobs
         WHERE state IN ('queued', 'running') AND kind = ANY($3)
           AND ((state = 'queued' AND run_after <= now()) OR (state = 'running' AND lease_until < now()))
         ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
      RETURNING id::text, kind, record_id, payload, state, attempts, max_attempts, locked_by, last_error, created_at, finished_at`,
    [owner, leaseSeconds, kinds],
  );
  return rows[0] ?? null;
}

export async function complete(db: Queryable, job: JobRow): Promise<void> {
  await db.query(
    `UPDATE jobs SET state = 'done', finished_at = now(), locked_by = NULL, lease_until = NULL, last_error = NULL
      WHERE id = $1 AND locked_by = $2`,
    [job.id, job.locked_by],
  );
}

/** Retries with exponential back-off (2^n seconds, at most an hour) until max_attempts. */
export async function fail(
  db: Queryable,
  job: JobRow,
  error: string,
  retry: boolean,
): Promise<'queued' | 'failed'> {
  const final = !retry || job.attempts >= job.max_attempts;
  await db.query(
    `UPDATE jobs SET state = $3, last_error = $4, locked_by = NULL, lease_until = NULL,
            run_after = now() + make_interval(secs => least(3600, power(2, attempts)::int)),
            finished_at = CASE WHEN $3 = 'failed' THEN now() ELSE NULL END
      WHERE id = $1 AND locked_by = $2`,
    [job.id, job.locked_by, final ? 'failed' : 'queued', error.slice(0, 4000)],
  );
  return final ? 'failed' : 'queued';
}

/** Puts this owner's running jobs back in the queue (graceful shutdown) without counting an attempt. */
export async function release(db: Queryable, owner: string): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE jobs SET state = 'queued', locked_by = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0)
      WHERE state = 'running' AND locked_by = $1`,
    [owner],
  );
  return rowCount;
}

/** At start: jobs left running by this host's dead processes are re-queued at once. */
export async function releaseDead(db: Queryable, isDead: (owner: string) => boolean): Promise<number> {
  const { rows } = await db.query<{ locked_by: string }>(
    `SELECT DISTINCT locked_by FROM jobs WHERE state = 'running' AND locked_by IS NOT NULL`,
  );
  let released = 0;
  for (const { locked_by } of rows) if (isDead(locked_by)) released += await release(db, locked_by);
  return released;
}

/**
 * The jobs queued, running and failed, and those done in the last 24 hours (all time would mean
 * counting millions of rows at every look at the status page), each only when there are any.
 */
export async function jobCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<Record<'queued' | 'running' | 'failed' | 'doneLastDay', number>>(
    `SELECT count(*) FILTER (WHERE state = 'queued')::int AS queued,
            count(*) FILTER (WHERE state = 'running')::int AS running,
            (SELECT count(*)::int FROM jobs WHERE state = 'failed') AS failed,
            (SELECT count(*)::int FROM jobs WHERE state = 'done' AND finished_at > now() - interval '1 day') AS "doneLastDay"
       FROM jobs WHERE state IN ('queued', 'running')`,
  );
  return Object.fromEntries(Object.entries(rows[0] ?? {}).filter(([, n]) => n > 0));
}
