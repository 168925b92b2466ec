/**
 * Upkeep of the embedded database. PGlite runs PostgreSQL as a single backend, without the
 * autovacuum launcher and without statistics of dead rows (pg_stat_user_tables stays at zero), so
 * nothing reclaims the rows that are deleted or updated, nor gathers the planner's statistics, nor
 * freezes old transaction ids. A PostgreSQL server does all of this itself; this is for PGlite.
 *
 * What goes wrong without it: the outbox of search (search_pending) takes a row for every change
 * and loses it once indexed, and every search asks whether it holds anything. After 500,000
 * changes that check took 9.5 ms instead of 0.27 (54 MB of dead rows read through), and it grows
 * with every change for as long as the server runs; the job queue and the credentials (a session's
 * last use, written once a minute) churn the same way.
 *
 * So the tables that churn are vacuumed every few minutes (~1 ms each when there is little to do),
 * and the whole database is vacuumed and analysed once after start and then daily (at 1M records
 * the first VACUUM of the records took 1.5 s, later ones 2 ms, ANALYZE 0.9 s; other statements wait
 * meanwhile: PGlite runs one at a time). A daily VACUUM also freezes old transaction ids before
 * PostgreSQL would have to stop for wraparound.
 */
import type { Logger } from 'pino';
import type { Database } from './database.port.ts';

/** Tables whose rows are deleted or updated all the time. */
export const CHURNING_TABLES = ['search_pending', 'jobs', 'credentials'] as const;

export interface UpkeepOptions {
  log: Logger;
  /** how often the churning tables are vacuumed (ms) */
  churnEveryMs?: number;
  /** how long after start the whole database is first vacuumed and analysed (ms) */
  firstFullAfterMs?: number;
  /** how often after that (ms) */
  fullEveryMs?: number;
}

export interface Upkeep {
  /** Vacuums the churning tables now; resolves with the milliseconds it took. */
  churned(): Promise<number>;
  /** Vacuums and analyses the whole database now; resolves with the milliseconds it took. */
  full(): Promise<number>;
  /** Stops the timers and waits for a pass under way. */
  stop(): Promise<void>;
}

const MINUTE = 60_000;

/** Starts the upkeep of an embedded database; a PostgreSQL server keeps itself (nothing is done). */
export function startUpkeep(db: Database, options: UpkeepOptions): Upkeep {
  const log = options.log;
  const embedded = db.kind === 'pglite';
  let stopped = false;
  // One pass at a time: a timer that fires during a pass waits for it.
  let running: Promise<unknown> = Promise.resolve();
  const serial = (pass: () => Promise<number>): Promise<number> => {
    const next = running.then(pass, pass);
    running = next.catch(() => undefined);
    return next;
  };

  const vacuum = async (sql: string): Promise<number> => {
    if (!embedded || stopped) return 0;
    const started = performance.now();
    await db.query(sql);
    return performance.now() - started;
  };
  const churned = () =>
    serial(async () => {
      let ms = 0;
      for (const table of CHURNING_TABLES) ms += await vacuum(`VACUUM ${table}`);
      return ms;
    });
  const full = () => serial(() => vacuum('VACUUM (ANALYZE)'));

  const timers: NodeJS.Timeout[] = [];
  if (embedded) {
    const every = (ms: number, pass: () => Promise<number>, what: string, level: 'debug' | 'info') =>
      setInterval(() => void run(pass, what, level), ms).unref();
    const run = async (pass: () => Promise<number>, what: string, level: 'debug' | 'info') => {
      try {
        const ms = await pass();
        if (!stopped) log[level]({ ms: Math.round(ms) }, what);
      } catch (error) {
        if (!stopped) log.warn({ err: error }, `${what}: failed`);
      }
    };
    const fullWhat = '数据库清理与统计 / database vacuumed and analysed';
    timers.push(
      every(options.churnEveryMs ?? 5 * MINUTE, churned, 'database queue tables vacuumed', 'debug'),
    );
    timers.push(
      setTimeout(() => {
        void run(full, fullWhat, 'info');
        timers.push(every(options.fullEveryMs ?? 24 * 60 * MINUTE, full, fullWhat, 'info'));
      }, options.firstFullAfterMs ?? MINUTE).unref(),
    );
  }

  return {
    churned,
    full,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      await running;
    },
  };
}
